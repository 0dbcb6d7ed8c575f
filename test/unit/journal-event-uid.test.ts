import { describe, expect, test } from 'vitest';
import { deriveEventUid } from '../../lib/journal/event-uid.ts';

describe('deriveEventUid', () => {
  test('derives the same uid for the same message and index, as a redelivery needs', () => {
    expect(deriveEventUid('0f3c9a3e-msg', 2)).toBe(deriveEventUid('0f3c9a3e-msg', 2));
  });

  test('derives the standard version 5 UUID of the name "<messageId>#<index>" in the fixed namespace', () => {
    // Python: uuid.uuid5(uuid.UUID('ae76e98a-b886-45d7-9d9b-0eca98143c3b'), 'msg-1#0')
    expect(deriveEventUid('msg-1', 0)).toBe('74b10fcb-c1ab-56c3-b431-79dabf52d0cd');
  });

  test('derives a version 5, RFC 9562 variant UUID', () => {
    expect(deriveEventUid('msg-1', 0)).toMatch(
      /^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
    );
  });

  test('derives distinct uids for the events of one message', () => {
    const uids = new Set(Array.from({ length: 1000 }, (_, index) => deriveEventUid('msg-1', index)));

    expect(uids.size).toBe(1000);
  });

  test('derives distinct uids for the same index in different messages', () => {
    expect(deriveEventUid('msg-1', 0)).not.toBe(deriveEventUid('msg-2', 0));
  });

  test('keeps a message id ending in "#<digits>" apart from a different index', () => {
    expect(deriveEventUid('a#1', 2)).not.toBe(deriveEventUid('a', 12));
  });

  test.each([
    ['an empty message id', '', 0],
    ['a negative index', 'msg-1', -1],
    ['a fractional index', 'msg-1', 1.5],
  ])('refuses %s', (_, messageId, index) => {
    expect(() => deriveEventUid(messageId, index)).toThrow();
  });
});
