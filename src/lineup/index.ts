export { listPlayableChannels, findPlayableByNumber, type PlayableChannel } from './playable-channels.js';
