/**
 * DescribeEndpoints: https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_DescribeEndpoints.html
 * Answers the host the client addressed (`ctx.endpointHost`, set per request by the protocol
 * layer) so endpoint discovery keeps clients on Pangea; otherwise AWS's regional host name.
 */
import type { OperationHandler } from '../types.js';

/** How long clients may cache the endpoint: AWS answers one day. */
const endpointCachePeriodInMinutes = 1440;

export const describeEndpoints: OperationHandler = async (ctx) => ({
  Endpoints: [
    {
      Address: ctx.endpointHost ?? `dynamodb.${ctx.region}.amazonaws.com`,
      CachePeriodInMinutes: endpointCachePeriodInMinutes,
    },
  ],
});
