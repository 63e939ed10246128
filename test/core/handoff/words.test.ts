/**
 * The transcript's notice lines are read back by the web widget's route: what the use cases
 * write must come back as the same notice, and nothing else may pass for one.
 */
import { describe, expect, it } from 'vitest';
import { type HandoffNotice, handoffWords, noticeLine, noticeOf } from '../../../src/core/handoff/words.ts';

describe('handoff notice lines', () => {
  it('reads back every notice it writes, with the name it was written with', () => {
    const notices: HandoffNotice[] = [
      { kind: 'joined', repName: 'Rita Reyes' },
      { kind: 'closed', repName: 'Rita Reyes' },
      { kind: 'closed', repName: null },
      // A name ending in the other notice's words is still the notice it was written as.
      { kind: 'joined', repName: 'Bob closed the conversation' },
    ];
    for (const n of notices) expect(noticeOf(noticeLine(n), n.repName)).toEqual(n);
    expect(handoffWords(noticeOf('Rita Reyes joined the conversation', 'Rita Reyes')!).text).toBe(
      'Rita Reyes from the sales team has joined the conversation.',
    );
  });

  it('is null for a line it did not write or one stored under another name', () => {
    expect(noticeOf('Tuesday works', 'Rita Reyes')).toBeNull();
    expect(noticeOf('Rita Reyes joined the conversation', 'Ana')).toBeNull();
    expect(noticeOf('Rita Reyes joined the conversation', null)).toBeNull();
    expect(noticeOf('Rita Reyes joined the conversation.', 'Rita Reyes')).toBeNull();
  });
});
