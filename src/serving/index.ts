// The deployer: serves what the merged rollout state says, once per upload, and records what it did.
export { createDeployer, type Deployer, type DeployerOptions, type ReloadEvent } from './create-deployer.js';
export { decideRoute, routeBucket, type RouteDecision, type RouteOverrides } from './decide-route.js';
export { murmur3x86_32, ROUTE_BUCKETS, RouteHasher } from './route-hash.js';
export { createDeployerMetrics, LATENCY_BUCKETS, type DeployerMetrics } from './deployer-metrics.js';
export { MemoryUploadLog } from './memory-upload-log.js';
export type { UploadOptions } from './process-upload.js';
export type { ServingState } from './load-serving-state.js';
export type { ClassScore, FallbackReason, ModelOutput, RegionPrediction, UploadLog, UploadRecord } from './upload-record.js';
export { openSqliteUploadLog, SqliteUploadLog } from './sqlite-upload-log.js';
export { createServeApp, DEFAULT_MAX_BODY_BYTES, DEFAULT_MAX_CONCURRENT, UPLOAD_CONTENT_TYPES, type ServeAppOptions } from './http/create-serve-app.js';
export { runServe, type RunningServe, type ServeOptions } from './http/run-serve.js';
