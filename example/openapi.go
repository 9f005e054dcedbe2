package main

import (
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/apierror/apierror/errresp"
	"github.com/apierror/apierror/idempotency"
)

// openAPIDocument describes routes as an OpenAPI 3.1 document. Every failure a
// route may answer with is a response whose schema is the style's envelope
// (errresp's (*Style).Schema), keyed by the status the style gives it and
// naming the style's codes.
func openAPIDocument(style *errresp.Style, routes []route) map[string]any {
	paths := map[string]any{}
	for _, rt := range routes {
		item, _ := paths[rt.pattern].(map[string]any)
		if item == nil {
			item = map[string]any{}
			paths[rt.pattern] = item
		}
		item[strings.ToLower(rt.method)] = operation(style, rt)
	}
	ref := func(name string) map[string]any { return map[string]any{"$ref": "#/components/schemas/" + name} }
	str := map[string]any{"type": "string"}
	return map[string]any{
		"openapi": "3.1.0",
		"info": map[string]any{
			"title":   "apierror example: virtual machines",
			"version": "1.0.0",
			"description": "Every failure is one envelope in the " + style.Name + " style (" + style.ContentType +
				"); GET /errors lists every code. Send Accept: application/problem+json for RFC 9457 problem details.",
		},
		"paths": paths,
		"components": map[string]any{
			"schemas": map[string]any{
				"Error": style.Schema(),
				"VMInput": map[string]any{
					"type": "object", "additionalProperties": false,
					"required": []string{"name", "size", "region", "image_id"},
					"properties": map[string]any{
						"name":     map[string]any{"type": "string", "minLength": 3, "maxLength": 63, "pattern": "^[a-z0-9-]+$"},
						"size":     map[string]any{"type": "integer", "minimum": 1, "maximum": 64},
						"region":   map[string]any{"type": "string", "enum": []string{"eu-west", "us-east", "ap-south"}},
						"image_id": map[string]any{"type": "string", "format": "uuid"},
					},
				},
				"VM": map[string]any{
					"allOf": []any{ref("VMInput"), map[string]any{"type": "object", "properties": map[string]any{
						"id": map[string]any{"type": "string", "format": "uuid"}, "version": map[string]any{"type": "integer"},
						"created": map[string]any{"type": "string", "format": "date-time"},
					}}},
				},
				"SignIn": map[string]any{"type": "object", "additionalProperties": false, "required": []string{"email", "password"},
					"properties": map[string]any{"email": str, "password": str}},
				"VerifyTOTP": map[string]any{"type": "object", "additionalProperties": false, "required": []string{"code"},
					"properties": map[string]any{"code": str}},
			},
			"securitySchemes": map[string]any{
				"apiKeyHeader": map[string]any{"type": "apiKey", "in": "header", "name": "X-API-Key"},
				"bearer":       map[string]any{"type": "http", "scheme": "bearer"},
				"apiKeyScheme": map[string]any{"type": "http", "scheme": "APIKey"},
				"session":      map[string]any{"type": "apiKey", "in": "cookie", "name": "session"},
			},
		},
	}
}

func operation(style *errresp.Style, rt route) map[string]any {
	op := map[string]any{"summary": rt.summary, "operationId": operationID(rt)}
	var params []any
	if strings.Contains(rt.pattern, "{id}") {
		params = append(params, map[string]any{"name": "id", "in": "path", "required": true,
			"schema": map[string]any{"type": "string", "format": "uuid"}})
	}
	for _, q := range rt.query {
		params = append(params, map[string]any{"name": q, "in": "query", "schema": map[string]any{"type": "integer", "minimum": 0, "maximum": 10000}})
	}
	if rt.method == http.MethodPut {
		params = append(params, map[string]any{"name": "If-Match", "in": "header", "required": true, "schema": map[string]any{"type": "string"}})
	}
	if slices.Contains(rt.fails, errresp.IdempotencyKeyReused) {
		params = append(params, map[string]any{"name": idempotency.Header, "in": "header",
			"description": "A key of the caller's choosing (a structured-field string or a token, at most 255 characters): the request sent again with it runs once, the retry getting the first response.",
			"schema":      map[string]any{"type": "string", "maxLength": idempotency.DefaultMaxKeyLength + 2}})
	}
	if params != nil {
		op["parameters"] = params
	}
	if rt.body != "" {
		op["requestBody"] = map[string]any{"required": true, "content": map[string]any{
			"application/json": map[string]any{"schema": map[string]any{"$ref": "#/components/schemas/" + rt.body}}}}
	}
	if rt.group == v1 {
		op["security"] = []any{map[string]any{"apiKeyHeader": []string{}}, map[string]any{"bearer": []string{}},
			map[string]any{"apiKeyScheme": []string{}}, map[string]any{"session": []string{}}}
	}
	responses := map[string]any{}
	if rt.ok != 0 {
		responses[strconv.Itoa(rt.ok)] = map[string]any{"description": http.StatusText(rt.ok)}
	}
	// One response per status, naming every code the style answers with there.
	codes := map[int][]string{}
	for _, k := range append(slices.Clone(rt.fails), groupKinds[rt.group]...) {
		c := style.Code(k)
		if !slices.Contains(codes[c.Status], c.Code) {
			codes[c.Status] = append(codes[c.Status], c.Code)
		}
	}
	for status, cs := range codes {
		headers := map[string]any{errresp.HeaderRequestID: header("The request's id, also in the body.")}
		switch status {
		case http.StatusUnauthorized:
			headers["WWW-Authenticate"] = header("The accepted schemes.")
		case http.StatusTooManyRequests:
			headers["Retry-After"] = header("Seconds until the request would pass.")
			headers["X-RateLimit-Limit"] = header("The binding limit's capacity.")
			headers["X-RateLimit-Remaining"] = header("Requests left in it: 0.")
			headers["X-RateLimit-Reset"] = header("Unix time at which it is full again.")
		}
		responses[strconv.Itoa(status)] = map[string]any{
			"description": http.StatusText(status) + ": " + strings.Join(cs, ", "),
			"headers":     headers,
			"content": map[string]any{style.ContentType: map[string]any{
				"schema": map[string]any{"$ref": "#/components/schemas/Error"}}},
		}
	}
	op["responses"] = responses
	return op
}

func header(description string) map[string]any {
	return map[string]any{"description": description, "schema": map[string]any{"type": "string"}}
}

// operationID is "get-v1-vms-id" for GET /v1/vms/{id}.
func operationID(rt route) string {
	return strings.ToLower(rt.method) + strings.NewReplacer("/", "-", "{", "", "}", "", ".", "-").Replace(rt.pattern)
}
