import { format } from 'node:util';

const LEVELS = {
  log: 'INFO',
  info: 'INFO',
  warn: 'WARN',
  error: 'ERROR',
  debug: 'DEBUG',
  trace: 'TRACE',
} as const;

/**
 * Makes console.* write Lambda's text log lines (`<ISO time>\t<request id>\t<LEVEL>\t<message>`), as
 * the Node.js runtime patches it; outside an invocation the request id is `undefined`, as in
 * Lambda's init logs. Multi-line messages stay multi-line here: Lambda turns their newlines into
 * \r to keep one CloudWatch event, which a terminal would print over itself.
 */
export function patchConsole(requestId: () => string | undefined): void {
  for (const [method, level] of Object.entries(LEVELS)) {
    (console as unknown as Record<string, (...args: unknown[]) => void>)[method] = (...args: unknown[]) => {
      process.stdout.write(`${new Date().toISOString()}\t${requestId()}\t${level}\t${format(...args)}\n`);
    };
  }
}
