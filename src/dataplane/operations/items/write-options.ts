/**
 * The options PutItem, UpdateItem and DeleteItem share, read and checked at stage 1.
 * https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_PutItem.html#API_PutItem_RequestParameters
 */
import { validationError } from '../../model.js';
import { type Constraints, member } from '../tables/validation.js';
import { type ReturnConsumedCapacity, returnConsumedCapacityValues } from './capacity.js';
import {
  checkItemTableName,
  conditionalOperatorValues,
  returnItemCollectionMetricsValues,
  returnValuesOnConditionCheckFailureValues,
} from './common.js';

/** Every ReturnValue, in the order AWS's enum message lists them. */
export const returnValuesValues = ['ALL_NEW', 'UPDATED_OLD', 'ALL_OLD', 'NONE', 'UPDATED_NEW'] as const;

export interface WriteOptions {
  tableName: string;
  returnValues: string | undefined;
  returnConsumedCapacity: ReturnConsumedCapacity | undefined;
  returnItemCollectionMetrics: string | undefined;
  returnValuesOnConditionCheckFailure: string | undefined;
}

/** Reads the shared members and records their stage-1 violations (the caller throws them). */
export function readWriteOptions(input: Record<string, unknown>, constraints: Constraints): WriteOptions {
  const tableName = member(input, 'TableName', 'string');
  const options: WriteOptions = {
    tableName: tableName ?? '',
    returnValues: member(input, 'ReturnValues', 'string'),
    returnConsumedCapacity: member(input, 'ReturnConsumedCapacity', 'string') as ReturnConsumedCapacity,
    returnItemCollectionMetrics: member(input, 'ReturnItemCollectionMetrics', 'string'),
    returnValuesOnConditionCheckFailure: member(input, 'ReturnValuesOnConditionCheckFailure', 'string'),
  };
  checkItemTableName(constraints, 'tableName', tableName);
  constraints.oneOf('returnValues', options.returnValues, returnValuesValues);
  constraints.oneOf('returnConsumedCapacity', options.returnConsumedCapacity, returnConsumedCapacityValues);
  constraints.oneOf(
    'returnItemCollectionMetrics',
    options.returnItemCollectionMetrics,
    returnItemCollectionMetricsValues,
  );
  constraints.oneOf(
    'conditionalOperator',
    member(input, 'ConditionalOperator', 'string'),
    conditionalOperatorValues,
  );
  constraints.oneOf(
    'returnValuesOnConditionCheckFailure',
    options.returnValuesOnConditionCheckFailure,
    returnValuesOnConditionCheckFailureValues,
  );
  return options;
}

/** PutItem and DeleteItem only return the old item: the other ReturnValues are UpdateItem's. */
export function requireOldOrNoneReturnValues(options: WriteOptions): void {
  const { returnValues } = options;
  if (returnValues !== undefined && returnValues !== 'NONE' && returnValues !== 'ALL_OLD') {
    throw validationError('ReturnValues can only be ALL_OLD or NONE');
  }
}
