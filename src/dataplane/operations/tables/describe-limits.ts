/** DescribeLimits: https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_DescribeLimits.html */
import type { OperationHandler } from '../types.js';

/** AWS's default quotas for provisioned capacity (per account per region, and per table). */
export const defaultCapacityLimits = {
  AccountMaxReadCapacityUnits: 80000,
  AccountMaxWriteCapacityUnits: 80000,
  TableMaxReadCapacityUnits: 40000,
  TableMaxWriteCapacityUnits: 40000,
} as const;

export const describeLimits: OperationHandler = async () => ({ ...defaultCapacityLimits });
