// Structured logs: one JSON object per line, with ids and counts, never personal data or secrets.

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';
export type LogFields = Record<string, string | number | boolean | null | undefined>;

export interface Logger {
  log(level: LogLevel, event: string, fields?: LogFields): void;
}

const order: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };

export function jsonLogger(minLevel: LogLevel, write: (line: string) => void = (l) => console.log(l)): Logger {
  return {
    log(level, event, fields = {}) {
      if (order[level] < order[minLevel]) return;
      write(JSON.stringify({ t: new Date().toISOString(), level, event, ...fields }));
    },
  };
}

export const silentLogger: Logger = { log() {} };
