// ChannelShuffle, as torch/nn/modules/channelshuffle.py.
import type { Tensor } from '../../tensor.js';
import * as F from '../functional/index.js';
import { bind, REQUIRED, signature } from '../functional/_signature.js';
import { declareForward, Module } from '../module.js';

const CHANNEL_SHUFFLE = signature('ChannelShuffle', { groups: REQUIRED });

/** `nn.ChannelShuffle(groups)`: (N, g·k, *) channels regrouped as (N, k·g, *). */
export class ChannelShuffle extends Module {
  groups: number;
  constructor(groups: number | { groups: number });
  constructor(...args: unknown[]) {
    super();
    [this.groups] = bind(CHANNEL_SHUFFLE, args) as [number];
  }
  override forward(input: Tensor): Tensor {
    return F.channelShuffle(input, this.groups);
  }
  override extraRepr(): string {
    return `groups=${this.groups}`;
  }
}

declareForward([ChannelShuffle], ['input']);
