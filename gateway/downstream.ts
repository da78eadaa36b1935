// The gateway's client for one service: the shared ServiceClient (service token,
// request id, per-call budget, 503 when unreachable, 504 when too slow) with the
// budget also covering the body. A service that sends its headers and then stalls
// must give 504 like one that never answers (not a 500), and one that breaks off
// its answer mid-body a 502.
import { HttpProblem, problem } from '../shared/problem.js';
import { ServiceClient, type CallInit, type ServiceClientOptions, type ServiceResponse } from '../shared/http/service-client.js';

const DEFAULT_TIMEOUT_MS = 5_000;

export class DownstreamClient extends ServiceClient {
  constructor(private readonly settings: ServiceClientOptions) {
    super(settings);
  }

  override async call<T = unknown>(method: string, path: string, init: CallInit): Promise<ServiceResponse<T>> {
    try {
      return await super.call<T>(method, path, init);
    } catch (error) {
      if (error instanceof HttpProblem) throw error;
      if (error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError')) {
        throw problem.timeout(`the ${this.name} service did not answer within ${init.timeoutMs ?? this.settings.timeoutMs ?? DEFAULT_TIMEOUT_MS} ms`);
      }
      if (error instanceof TypeError) throw problem.badGateway(`the ${this.name} service broke off its answer`);
      throw error;
    }
  }
}
