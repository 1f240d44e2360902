// Work that must outlive its response: Node's entry passes a collector (awaited on shutdown);
// on Workers, each request's execution context keeps it alive.
export type WaitUntil = (work: Promise<unknown>) => void;

export function waitUntilOf(injected: WaitUntil | undefined, c: { executionCtx: { waitUntil(work: Promise<unknown>): void } }): WaitUntil {
  return injected ?? ((work) => c.executionCtx.waitUntil(work));
}
