// The cost model: pricing files in, monthly cost lines per deployment out.
export * from './pricing-schema.js';
export { loadPricing, parsePricingText, mergePricing } from './load-pricing.js';
export { albCount, lcuPerHour, type AlbTraffic, type LcuBreakdown } from './alb.js';
export { egressCharges, type TierCharge } from './egress.js';
export { chooseInstance, type InstanceChoice } from './instances.js';
export { costPoint, costDeployment, contextFromScenario, addCosts, tokenLines, fargateMemoryGB, DEPLOYMENT_KINDS, type CostContext } from './deployments.js';
export { summarizeCosts, type CostSummary } from './summary.js';
export { gpuBreakEven, claudeCostPerRequest, cheapestGpuInstance, type BreakEven, type TokensPerRequest } from './break-even.js';
export { seedTenAgentTable, type SeedTable, type SeedRow, type SeedDeployment } from './seed-table.js';
export { DASHBOARD_CONNECTION_HOPS, DASHBOARD_BYTE_HOPS } from './usage-read.js';
