export { Metrics, type MetricsDeps, type Scrape } from './metrics.js';
