// fetch with longer undici timeouts than the global fetch's 300 s, for the libSQL HTTP client of a
// command whose single atomic write may take longer (an import's merge). Loaded only by such a
// command: importing the undici package installs its Agent as the process's global dispatcher.
export async function patientFetch(timeoutMs: number): Promise<typeof fetch> {
  const { Agent } = await import('undici');
  const dispatcher = new Agent({ headersTimeout: timeoutMs, bodyTimeout: timeoutMs });
  return (input, init) => fetch(input, { ...init, dispatcher } as RequestInit);
}
