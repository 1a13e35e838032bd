export { setUpDemo, type DemoDomains } from './demo-setup.js';
export { startDemoProvider, type DemoProvider } from './demo-provider.js';
export { demoChannels, demoChannelId, demoGuide, type DemoChannel } from './demo-catalog.js';
