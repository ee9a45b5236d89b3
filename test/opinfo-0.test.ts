// OpInfo samples, shard 0 of 6 (see test/opinfo-replay.ts).
import { opinfoShard } from './opinfo-replay.js';

opinfoShard(0);
