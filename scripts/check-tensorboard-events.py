# Reads torchnode-written event files with TensorBoard's own EventAccumulator (a manual cross-check:
# the project .venv has no tensorboard). Usage, after any run that wrote logs:
#   PYTHONPATH=<site-packages with tensorboard> .venv/bin/python scripts/check-tensorboard-events.py LOGDIR
import sys, os
from tensorboard.backend.event_processing.event_accumulator import EventAccumulator
from tensorboard.backend.event_processing import event_file_loader
for root, _, files in os.walk(sys.argv[1]):
    for f in files:
        if 'tfevents' not in f: continue
        p = os.path.join(root, f)
        n = sum(1 for _ in event_file_loader.LegacyEventFileLoader(p).Load())
        print('==', p, n, 'events')
    ea = EventAccumulator(root, size_guidance={'images': 0, 'histograms': 0, 'scalars': 0, 'tensors': 0})
    ea.Reload()
    tags = ea.Tags()
    print(root, {k: v for k, v in tags.items() if v})
    for t in tags['scalars']: print(' scalar', t, [(e.step, e.value) for e in ea.Scalars(t)])
    for t in tags['histograms']:
        h = ea.Histograms(t)[0]; print(' histo', t, h.step, h.histogram_value.min, h.histogram_value.max, h.histogram_value.num, len(h.histogram_value.bucket))
    for t in tags['images']:
        i = ea.Images(t)[0]; print(' image', t, i.step, i.width, i.height, len(i.encoded_image_string))
    for t in tags['tensors']:
        print(' tensor', t, [(e.step, str(e.tensor_proto)[:80].replace('\n',' ')) for e in ea.Tensors(t)])
    if tags.get('graph'): g = ea.Graph(); print(' graph nodes', [(n.name, n.op, list(n.input)) for n in g.node][:20])
    try: md = ea.PluginTagToContent('hparams')
    except KeyError: md = None
    if md: print(' hparams plugin', {k: len(v) for k, v in md.items()})
