package errresp

// gpcnDocs is what the GPCN error reference says about each of its codes, in
// its own words: the description, "Common causes" and "Solution" of every
// code the page lists. The other kinds take the library's text.
var gpcnDocs = map[Kind]CodeDoc{
	InvalidCredentials: { // INVALID_CREDENTIALS
		Meaning: "The email or password provided is incorrect.",
		Causes: []string{
			"Typo in email address or password",
			"Account doesn't exist",
			"Account has been deleted",
		},
		Resolution: "Double-check your email and password. If you've forgotten your password, use the password reset flow via POST /auth/forget-password.",
	},
	TwoFactorRequired: { // TWO_FACTOR_REQUIRED
		Meaning: "Credentials are valid, but 2FA verification is needed to complete sign-in.",
		Causes: []string{
			"This is expected behavior, not an error. All GPCN™ accounts require 2FA.",
		},
		Resolution: "Complete the 2FA flow. Check the totpConfigured field in the response to determine whether to use TOTP (POST /auth/two-factor/verify-totp) or email OTP (POST /auth/two-factor/send-otp followed by POST /auth/two-factor/verify-otp).",
	},
	InvalidOTP: { // INVALID_OTP
		Meaning: "The 2FA code provided is incorrect or expired.",
		Causes: []string{
			"Typo in the 6-digit code",
			"Code has expired (TOTP codes rotate every 30 seconds)",
			"Email OTP has expired",
			"Clock on your authenticator device is out of sync",
		},
		Resolution: "Try entering the code again. For TOTP, wait for the next code to generate. For email OTP, request a new code via POST /auth/two-factor/send-otp. If your authenticator clock is off, sync it in your device settings.",
	},
	SessionExpired: { // SESSION_EXPIRED
		Meaning: "Your session has expired due to inactivity or timeout.",
		Causes: []string{
			"Session timed out after extended inactivity",
			"Server-side session was invalidated (e.g., after a password change)",
			"Session cookie was cleared",
		},
		Resolution: "Sign in again via POST /auth/sign-in/email. For API integrations, consider using API keys instead of sessions — they don't expire from inactivity.",
	},
	NotAuthenticated: { // NOT_AUTHENTICATED
		Meaning: "No valid authentication was provided with the request.",
		Causes: []string{
			"Missing X-API-Key header or session cookie",
			"Malformed Authorization header",
			"Request sent to an authenticated endpoint without credentials",
		},
		Resolution: "Include authentication with your request. Use X-API-Key for programmatic access, session cookies for browser requests, or Authorization: Bearer for token-based auth.",
	},
	PermissionDenied: { // INSUFFICIENT_PERMISSIONS
		Meaning: "You're authenticated, but your role doesn't grant the required permission for this action.",
		Causes: []string{
			"Your role doesn't include the needed permission for this action",
			"You're trying to access a resource in a different entity",
			"The operation requires a higher-privilege role",
		},
		Resolution: "Check your current permissions via GET /auth/check. Ask your administrator to assign a role with the required permission.",
	},
	CredentialInvalid: { // API_KEY_INVALID
		Meaning: "The API key provided doesn't exist or has been revoked.",
		Causes: []string{
			"Typo in the API key value",
			"Key was deleted or suspended",
			"Key was rotated (old value is no longer valid)",
			"Key belongs to a deleted user",
		},
		Resolution: "Verify the key value is correct. Check if the key has been suspended via the dashboard. If the key was rotated, use the new key value. Create a new key if needed via POST /auth/api-keys/me.",
	},
	CredentialExpired: { // API_KEY_EXPIRED
		Meaning: "The API key has passed its expiration date.",
		Causes: []string{
			"Key was created with an expiration date that has now passed",
		},
		Resolution: "Create a new API key via POST /auth/api-keys/me. Consider using a longer expiration period or a non-expiring key if appropriate for your use case.",
	},
	RateLimited: { // RATE_LIMIT_EXCEEDED
		Meaning: "You've made too many requests in a short period.",
		Causes: []string{
			"Sending requests faster than the rate limit allows",
			"Multiple API keys for the same user sharing a rate limit pool",
			"Tight polling loops without delay",
			"Burst of requests during retry storms",
		},
		Resolution: "Check the X-RateLimit-Reset header for when you can retry. Implement exponential backoff in your retry logic. See Rate Limiting for optimization strategies.",
	},
	InvalidRequest: { // INVALID_REQUEST
		Meaning: "The request body or query parameters are malformed or fail validation.",
		Causes: []string{
			"Missing required fields in the request body",
			"Invalid field types (e.g., string where number is expected)",
			"Unknown fields in the request body (strict validation rejects them)",
			"Invalid UUID format for ID fields",
			"Value out of allowed range",
		},
		Resolution: "Check the message field for details about which field failed validation. Ensure your request body includes all required fields with correct types. Don't include extra fields — the API uses strict validation.",
	},
	Internal: { // SERVER_ERROR
		Meaning: "Something went wrong on the server side.",
		Causes: []string{
			"Transient infrastructure issue",
			"Bug in the API (rare)",
			"Upstream cloud provider error",
		},
		Resolution: "Retry the request after a brief delay. If the error persists, contact GPCN™ support with the request details (endpoint, method, timestamp) so the team can investigate.",
	},
}
