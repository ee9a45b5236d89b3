// TensorBoard's protobuf messages, built by protobufjs from the JSON descriptor that
// scripts/gen-tensorboard-proto.mjs makes of ./proto/*.proto.
import protobuf from 'protobufjs';
import { TENSORBOARD_PROTO } from './proto.generated.js';

const root = protobuf.Root.fromJSON(TENSORBOARD_PROTO as unknown as protobuf.INamespace);

/** A message type by its full name ('tensorboard.Event', 'tensorboard.hparams.HParamsPluginData', ...). */
export function messageType(name: string): protobuf.Type {
  return root.lookupType(name);
}

/** Encodes a plain object (field names as in the .proto files) as the named message, after checking it. */
export function encodeMessage(name: string, value: Record<string, unknown>): Uint8Array {
  const type = root.lookupType(name);
  const message = type.fromObject(value);
  const problem = type.verify(message);
  if (problem) throw new TypeError(`tensorboard: bad ${name}: ${problem}`);
  return type.encode(message).finish();
}

/** Decodes bytes as the named message into a plain object: int64 as numbers, enums as names, bytes as Buffers. */
export function decodeMessage(name: string, bytes: Uint8Array): Record<string, unknown> {
  const type = root.lookupType(name);
  return type.toObject(type.decode(bytes), { longs: Number, enums: String, bytes: Buffer, defaults: false, oneofs: false });
}
