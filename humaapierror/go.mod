module github.com/apierror/apierror/humaapierror

go 1.26.0

replace github.com/apierror/apierror => ../

require (
	github.com/apierror/apierror v0.1.0
	github.com/danielgtaylor/huma/v2 v2.37.2
	github.com/go-chi/chi/v5 v5.5.0
)
