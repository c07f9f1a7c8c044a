export { AuthError, AuthService, type AuthFailureReason, type AuthOptions, type Identity, MIN_KEY_LEN } from './auth-service.js';
export { SessionCache } from './session-cache.js';
export { RateLimitError, WaitingRateLimiter } from './rate-limiter.js';
