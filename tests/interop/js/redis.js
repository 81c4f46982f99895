// node redis 4 reading the JSON values Python wrote, and writing JSON values for Python to read.
"use strict";
const { createClient } = require("redis");
const { main } = require("./lib");

main(async ({ url, read = [], write = [], ttlMs = 60000 }) => {
  const client = createClient({ url });
  client.on("error", () => {});
  await client.connect();
  try {
    const seen = [];
    for (const key of read) {
      const raw = await client.get(key);
      const value = raw === null ? null : JSON.parse(raw);
      seen.push({
        key,
        raw,
        // What a Node service holds after JSON.parse, written back out: rounding shows here.
        node: JSON.stringify(value),
        unsafeIntegers: collectUnsafe(value),
      });
    }
    for (const { key, text } of write) {
      // The service's own value: parsed from the text the test chose, stored as JSON.stringify does.
      await client.set(key, JSON.stringify(JSON.parse(text)), { PX: ttlMs });
    }
    return { seen };
  } finally {
    await client.quit();
  }
});

function collectUnsafe(value, out = []) {
  if (typeof value === "number" && Number.isInteger(value) && !Number.isSafeInteger(value)) out.push(value);
  else if (Array.isArray(value)) value.forEach((v) => collectUnsafe(v, out));
  else if (value && typeof value === "object") Object.values(value).forEach((v) => collectUnsafe(v, out));
  return out;
}
