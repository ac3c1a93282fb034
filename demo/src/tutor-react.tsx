// The page of demo/tutor-react.html: signs in with supabase-js and mounts the README's
// useChat tutor (./tutor-chat.tsx) with React.
import { createClient } from "@supabase/supabase-js";
import { createRoot } from "react-dom/client";
import { Tutor } from "./tutor-chat.tsx";

const params = new URLSearchParams(location.search);
const config = await (await fetch("config.json")).json() as { url: string; anonKey: string };
const supabase = createClient(config.url, config.anonKey);
const { error } = await supabase.auth.signInWithPassword({
  email: params.get("email") ?? "student1@northwind.test",
  password: params.get("password") ?? "password",
});
if (error) throw error;
createRoot(document.getElementById("tutor")!).render(
  <Tutor supabase={supabase} supabaseUrl={config.url} conversationId={params.get("conversation") ?? crypto.randomUUID()} />,
);
