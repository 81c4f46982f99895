// Shared by the interop scripts: read one JSON document on stdin, write one on stdout.
"use strict";

async function main(handler) {
  const chunks = [];
  for await (const chunk of process.stdin) chunks.push(chunk);
  const input = JSON.parse(Buffer.concat(chunks).toString("utf8"));
  const output = await handler(input);
  // Exit once written: client libraries may keep sockets or timers alive.
  process.stdout.write(JSON.stringify(output), () => process.exit(0));
}

function describe(error) {
  return { error: error.name, message: error.message };
}

module.exports = { main, describe };
