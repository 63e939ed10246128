/** JSON values as the store keeps them (flow snapshots, variables, answers, outbox payloads). */

export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };
