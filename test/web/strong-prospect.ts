/** The strong prospect of flows/transcripts/strong-prospect.yaml, as the widget sends it. */
export const STRONG_PROSPECT: Record<string, unknown>[] = [
  { kind: 'choice', values: ['evaluating'] },
  { kind: 'message', text: 'Acme Corp' },
  { kind: 'choice', values: ['exec'] },
  { kind: 'message', text: 'about 80 people' },
  { kind: 'choice', values: ['approved'] },
  { kind: 'choice', values: ['month'] },
  { kind: 'message', text: 'jane@acme.example' },
  { kind: 'message', text: 'yes' },
  { kind: 'message', text: 'no' },
];
