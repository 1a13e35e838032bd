export { NetworkDiscovery, type NetworkDiscoveryOptions, type DiscoveryPorts } from './network-discovery.js';
