// The one React API the hook uses, for building without React installed (React is an
// optional peer dependency; apps that use the hook bring React and its types).
declare module "react" {
  export function useSyncExternalStore<T>(
    subscribe: (onStoreChange: () => void) => () => void,
    getSnapshot: () => T,
    getServerSnapshot?: () => T,
  ): T;
}
