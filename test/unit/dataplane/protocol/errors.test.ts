import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { DynamoError, resourceNotFound, validationError } from '../../../../src/dataplane/model.js';
import { errorBody, errorTypeOf, protocolErrors } from '../../../../src/dataplane/protocol/errors.js';

describe('error bodies', () => {
  test('service errors use the DynamoDB namespace and a lower-case message', () => {
    assert.deepEqual(errorBody(resourceNotFound('Requested resource not found: Table: t not found')), {
      __type: 'com.amazonaws.dynamodb.v20120810#ResourceNotFoundException',
      message: 'Requested resource not found: Table: t not found',
    });
    assert.equal(
      errorTypeOf('ConditionalCheckFailedException'),
      'com.amazonaws.dynamodb.v20120810#ConditionalCheckFailedException',
    );
  });

  test('validation and framework errors use the coral namespaces', () => {
    assert.equal(errorBody(validationError('x')).__type, 'com.amazon.coral.validate#ValidationException');
    assert.equal(
      errorTypeOf('UnrecognizedClientException'),
      'com.amazon.coral.service#UnrecognizedClientException',
    );
    assert.equal(errorTypeOf('ThrottlingException'), 'com.amazon.coral.availability#ThrottlingException');
  });

  test('framework errors without a message send none', () => {
    assert.deepEqual(errorBody(protocolErrors.unknownOperation()), {
      __type: 'com.amazon.coral.service#UnknownOperationException',
    });
    assert.deepEqual(errorBody(protocolErrors.serialization()), {
      __type: 'com.amazon.coral.service#SerializationException',
    });
  });

  test('some codes spell Message with a capital M', () => {
    assert.deepEqual(errorBody(protocolErrors.serialization('Unexpected field type')), {
      __type: 'com.amazon.coral.service#SerializationException',
      Message: 'Unexpected field type',
    });
    const cancelled = new DynamoError(
      'TransactionCanceledException',
      'Transaction cancelled, please refer cancellation reasons for specific reasons [None]',
      400,
      {
        CancellationReasons: [{ Code: 'None' }],
      },
    );
    assert.deepEqual(errorBody(cancelled), {
      __type: 'com.amazonaws.dynamodb.v20120810#TransactionCanceledException',
      CancellationReasons: [{ Code: 'None' }],
      Message: 'Transaction cancelled, please refer cancellation reasons for specific reasons [None]',
    });
  });

  test('extra fields are merged but cannot replace __type', () => {
    const error = new DynamoError('ConditionalCheckFailedException', 'The conditional request failed', 400, {
      Item: { id: { S: 'a' } },
      __type: 'evil',
    });
    assert.deepEqual(errorBody(error), {
      __type: 'com.amazonaws.dynamodb.v20120810#ConditionalCheckFailedException',
      Item: { id: { S: 'a' } },
      message: 'The conditional request failed',
    });
  });

  test('5xx errors carry their status', () => {
    assert.equal(protocolErrors.internalServerError().statusCode, 500);
    assert.equal(protocolErrors.serviceUnavailable().statusCode, 503);
    assert.equal(protocolErrors.missingAuthenticationToken().statusCode, 400);
  });
});
