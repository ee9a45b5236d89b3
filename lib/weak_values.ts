// A string-keyed cache of objects held weakly, for one JS wrapper per native object (graph nodes,
// TorchScript values). Through Node-API weak references: a WeakRef keeps its target alive until the
// current job ends, so a synchronous training loop reading x.gradFn kept every step's graph.
import { native, type Handle } from './native.js';

interface WeakValuesNative {
  weakValuesNew(): Handle;
  weakValuesGet(map: Handle, key: string): object | undefined;
  weakValuesSet(map: Handle, key: string, value: object): void;
  weakValuesPrune(map: Handle, key: string): void;
}
const weak = native as unknown as WeakValuesNative;

export class WeakValues<V extends object> {
  readonly #map = weak.weakValuesNew();
  // An entry goes when its object does, unless a newer object took the key meanwhile (the native side checks).
  readonly #prune = new FinalizationRegistry<string>((key) => weak.weakValuesPrune(this.#map, key));

  get(key: string): V | undefined {
    return weak.weakValuesGet(this.#map, key) as V | undefined;
  }

  set(key: string, value: V): V {
    weak.weakValuesSet(this.#map, key, value);
    this.#prune.register(value, key);
    return value;
  }
}
