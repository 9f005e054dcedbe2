module github.com/apierror/apierror/browsertest

go 1.26.0

require (
	github.com/apierror/apierror v0.1.0
	github.com/chromedp/cdproto v0.160.1
	github.com/chromedp/chromedp v0.23.1
)

require github.com/go-json-experiment/json v1.27.2 // indirect

replace github.com/apierror/apierror => ../
