// One error type for everything a client can get wrong or be refused. It carries the Mattermost error
// shape `{id, message, status_code}` so that Client4 turns it into a ClientError with server_error_id.
export class AppError extends Error {
  readonly id: string;
  readonly statusCode: number;
  readonly detailedError: string;

  constructor(statusCode: number, id: string, message: string, detailedError = '') {
    super(message);
    this.name = 'AppError';
    this.id = id;
    this.statusCode = statusCode;
    this.detailedError = detailedError;
  }

  toJSON(requestId = ''): Record<string, unknown> {
    return {
      id: this.id,
      message: this.message,
      detailed_error: this.detailedError,
      request_id: requestId,
      status_code: this.statusCode,
    };
  }
}

export const badRequest = (id: string, message: string, detailed = '') => new AppError(400, id, message, detailed);
export const unauthorized = (
  message = 'Invalid or expired session, please login again.',
  id = 'api.context.session_expired.app_error',
) => new AppError(401, id, message);
export const forbidden = (
  message = 'You do not have the appropriate permissions.',
  id = 'api.context.permissions.app_error',
) => new AppError(403, id, message);
export const notFound = (what: string, id = 'app.not_found.app_error') =>
  new AppError(404, id, `${what} not found.`);
export const conflict = (id: string, message: string) => new AppError(409, id, message);

export function invalidUrlParam(name: string): AppError {
  return badRequest('api.context.invalid_url_param.app_error', `Invalid or missing ${name} parameter in request URL.`);
}

export function invalidBodyParam(name: string, detailed = ''): AppError {
  return badRequest('api.context.invalid_body_param.app_error', `Invalid or missing ${name} in request body.`, detailed);
}
