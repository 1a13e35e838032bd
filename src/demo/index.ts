export { setUpDemo, demoChannelId } from './demo-setup.js';
export { startDemoProvider, type DemoProvider } from './demo-provider.js';
export { demoChannels, type DemoChannel } from './demo-catalog.js';
