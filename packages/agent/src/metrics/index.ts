export type { MetricsSource, MetricValue } from './source.js';
