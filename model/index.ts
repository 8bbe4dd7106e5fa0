// model/: the fleet model, the scenario schema and loader, the cost model.
export type * from './config.js';
