// Reading event files back (TensorFlow's summary_iterator): every record's CRCs checked, each Event
// decoded, with the plugin contents of hparams/text/scalars/PR-curve/mesh summaries decoded too. A torchnode extra.
import { decodeMessage } from './proto.js';
import { readRecords } from './record.js';

const PLUGIN_CONTENT: Record<string, string> = {
  hparams: 'tensorboard.hparams.HParamsPluginData',
  text: 'tensorboard.TextPluginData',
  scalars: 'tensorboard.ScalarPluginData',
  pr_curves: 'tensorboard.PrCurvePluginData',
  mesh: 'tensorboard.mesh.MeshPluginData',
};

/** The Events of an event file (or its bytes) as plain objects with the .proto field names. */
export function readEvents(source: string | Uint8Array): Record<string, unknown>[] {
  return readRecords(source).map((record) => {
    const event = decodeMessage('tensorboard.Event', record);
    const values = (event.summary as { value?: Record<string, unknown>[] } | undefined)?.value ?? [];
    for (const v of values) {
      const pd = (v.metadata as { plugin_data?: { plugin_name?: string; content?: Buffer; decoded?: unknown } } | undefined)?.plugin_data;
      const type = pd?.plugin_name ? PLUGIN_CONTENT[pd.plugin_name] : undefined;
      if (pd && type && pd.content) pd.decoded = decodeMessage(type, pd.content);
    }
    if (event.graph_def) event.graph = decodeMessage('tensorboard.GraphDef', event.graph_def as Buffer);
    return event;
  });
}
