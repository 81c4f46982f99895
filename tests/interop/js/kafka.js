// kafkajs 2 (+ @kafkajs/confluent-schema-registry) as the Node services use them, on the real broker.
"use strict";
const { Kafka, Partitioners, logLevel } = require("kafkajs");
const { SchemaRegistry, SchemaType } = require("@kafkajs/confluent-schema-registry");
const { main } = require("./lib");

const stderrLogger = () => ({ namespace, level, log }) =>
  process.stderr.write(`kafkajs ${level} ${namespace} ${log.message}\n`);

function client(brokers) {
  return new Kafka({
    clientId: "vf-interop",
    brokers: brokers.split(","),
    logLevel: logLevel.ERROR,
    logCreator: stderrLogger,
  });
}

const PARTITIONERS = { default: Partitioners.DefaultPartitioner, legacy: Partitioners.LegacyPartitioner };

async function produce({ brokers, registryUrl, topic, partitioner = "default", avro, messages }) {
  const producer = client(brokers).producer({ createPartitioner: PARTITIONERS[partitioner] });
  await producer.connect();
  try {
    let encode = async (value) => (value === null ? null : JSON.stringify(value));
    let schemaId = null;
    if (avro) {
      const registry = new SchemaRegistry({ host: registryUrl });
      const schema = { type: SchemaType.AVRO, schema: JSON.stringify(avro.schema) };
      ({ id: schemaId } = await registry.register(schema, { subject: avro.subject }));
      encode = (value) => registry.encode(schemaId, value);
    }
    const records = [];
    for (const { key, value } of messages) records.push({ key, value: await encode(value) });
    // One send per message, in order, so each key's partition is the partitioner's own choice.
    const placed = [];
    for (const record of records) {
      const [meta] = await producer.send({ topic, messages: [record], acks: -1 });
      placed.push({ key: record.key, partition: meta.partition });
    }
    return { schemaId, placed };
  } finally {
    await producer.disconnect();
  }
}

async function consume({ brokers, registryUrl, topic, count, timeoutMs = 90000 }) {
  const registry = registryUrl ? new SchemaRegistry({ host: registryUrl }) : null;
  const consumer = client(brokers).consumer({ groupId: `vf-interop-${topic}-${Date.now()}` });
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  const seen = [];
  try {
    await new Promise((resolve, reject) => {
      const timer = setTimeout(resolve, timeoutMs);
      consumer
        .run({
          eachMessage: async ({ partition, message }) => {
            const value = message.value === null ? null
              : registry ? await registry.decode(message.value) : message.value.toString("utf8");
            seen.push({ partition, offset: message.offset, key: message.key && message.key.toString("utf8"), value });
            if (seen.length >= count) {
              clearTimeout(timer);
              resolve();
            }
          },
        })
        .catch(reject);
    });
  } finally {
    await consumer.disconnect();
  }
  return { seen };
}

function partitions({ keys, partitionCount }) {
  const partitionMetadata = Array.from({ length: partitionCount }, (_, i) => ({ partitionId: i, leader: 0 }));
  const out = {};
  for (const [name, create] of Object.entries(PARTITIONERS)) {
    const choose = create();
    out[name] = keys.map((key) => choose({ topic: "t", partitionMetadata, message: { key } }));
  }
  return out;
}

main(async (input) => {
  switch (input.op) {
    case "produce":
      return produce(input);
    case "consume":
      return consume(input);
    case "partitions":
      return partitions(input);
    default:
      throw new Error(`unknown op ${input.op}`);
  }
});
