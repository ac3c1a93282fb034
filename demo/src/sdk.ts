// What the demo pages import (bundled to demo/dist/sdk.js): supabase-js and the SDK.
export { createClient } from "@supabase/supabase-js";
export * from "../../client/src/index.ts";
