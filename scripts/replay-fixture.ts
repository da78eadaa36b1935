// The on-disk form of a recorded workflow history (test/replay/histories/<name>.json).
import proto from '@temporalio/proto';

export const historiesDir = new URL('../test/replay/histories/', import.meta.url);

// Not historyToJSON/historyFromJSON of @temporalio/common: with two copies of
// protobufjs installed they throw "type must be a Type". The generated class's
// own object conversion round-trips just as well.
// A CommonJS package: a default import works under both tsx (scripts) and vitest.
const { History } = proto.temporal.api.history.v1;
export type History = proto.temporal.api.history.v1.IHistory;

export const toFixture = (history: History): string =>
  `${JSON.stringify(History.toObject(History.fromObject(history), { longs: String, enums: String, bytes: String }), null, 1)}\n`;
export const fromFixture = (text: string): History => History.fromObject(JSON.parse(text) as Record<string, unknown>);
