import pino, { type Logger } from 'pino';

export type { Logger } from 'pino';

export interface LoggerSettings {
  level: string;
  format: 'json' | 'pretty';
}

/**
 * The process's one root logger: JSON lines for log collectors, or pino-pretty for a person at a
 * terminal. Everything else logs through children of it (`logger.child({ requestId })`).
 */
export function createLogger({ level, format }: LoggerSettings): Logger {
  return pino({
    level,
    base: { pid: process.pid },
    ...(format === 'pretty' && {
      transport: { target: 'pino-pretty', options: { colorize: true, translateTime: 'SYS:HH:MM:ss.l', ignore: 'pid,hostname' } },
    }),
  });
}

/** What a person at a terminal wants unless told otherwise; anything else (CI, containers) gets JSON. */
export function defaultLogFormat(env: NodeJS.ProcessEnv = process.env): 'json' | 'pretty' {
  return env.NODE_ENV !== 'production' && process.stdout.isTTY ? 'pretty' : 'json';
}
