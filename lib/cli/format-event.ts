import type { JournalItem } from '../journal/journal-item.ts';
import type { CliIo } from './cli-io.ts';

const SEVERITY_COLOURS: Readonly<Record<string, string>> = {
  ERROR: '\x1b[31m',
  WARN: '\x1b[33m',
  DEBUG: '\x1b[2m',
};
const RESET = '\x1b[0m';
const MAX_DATA_CHARACTERS = 160;

/** Colour on a terminal, unless NO_COLOR is set; FORCE_COLOR forces it (https://no-color.org). */
export function useColour(io: Pick<CliIo, 'stdout' | 'env'>): boolean {
  if (io.env.NO_COLOR) return false;
  if (io.env.FORCE_COLOR && io.env.FORCE_COLOR !== '0') return true;
  return io.stdout.isTTY === true;
}

/**
 * One event as a line for people: time, severity, swarm/run, kind/type, origin -> subject, and the
 * start of its data. ERROR is red, WARN yellow, DEBUG dim when `colour` is on.
 */
export function formatEventLine(item: JournalItem, options: { readonly colour: boolean }): string {
  const subject = `${item.scope?.role ?? 'ALL'}/${item.scope?.instance ?? 'ALL'}`;
  const data = item.data === null || item.data === undefined ? '' : `  ${shorten(JSON.stringify(item.data))}`;
  const line = `${item.timestamp} ${item.severity.padEnd(5)} ${item.swarmId ?? '-'}/${item.runId} ${item.kind}/${item.type} ${item.origin} -> ${subject}${data}`;
  const colour = options.colour ? SEVERITY_COLOURS[item.severity] : undefined;
  return colour ? `${colour}${line}${RESET}` : line;
}

function shorten(text: string): string {
  const characters = [...text];
  return characters.length <= MAX_DATA_CHARACTERS
    ? text
    : `${characters.slice(0, MAX_DATA_CHARACTERS - 1).join('')}…`;
}
