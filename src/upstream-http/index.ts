export {
  createUpstreamAgent,
  followRedirects,
  defaultMaxRedirections,
  type UpstreamAgentOptions,
} from './upstream-agent.js';
export { guardRedirects, RedirectRefusedError, type RedirectRefusal } from './redirect-guard.js';
export { classifyNetworkError, type NetworkErrorClass, type NetworkErrorReason } from './network-error.js';
export { BodyTooLargeError, capBody, discardBody, readCapped } from './response-body.js';
