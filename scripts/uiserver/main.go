// The Temporal Web UI as a process of its own, for the local cluster
// (scripts/stack/cluster.ts). The UI server's own command cannot be built with
// `go install` (its go.mod has a replace directive), so this small main uses it
// as a library, configured from flags instead of its YAML files.
package main

import (
	"flag"
	"log"

	uiserver "github.com/temporalio/ui-server/v2/server"
	uiconfig "github.com/temporalio/ui-server/v2/server/config"
	uiserveroptions "github.com/temporalio/ui-server/v2/server/server_options"
)

func main() {
	host := flag.String("host", "127.0.0.1", "address the UI listens on")
	port := flag.Int("port", 8233, "port the UI listens on")
	frontend := flag.String("temporal-address", "127.0.0.1:7233", "the Temporal frontend's gRPC address")
	namespace := flag.String("namespace", "default", "the namespace the UI opens on")
	flag.Parse()

	server := uiserver.NewServer(uiserveroptions.WithConfigProvider(&uiconfig.Config{
		Host:                *host,
		Port:                *port,
		TemporalGRPCAddress: *frontend,
		DefaultNamespace:    *namespace,
		EnableUI:            true,
		CORS:                uiconfig.CORS{CookieInsecure: true},
		HideLogs:            true,
	}))
	log.Printf("temporal ui listening on http://%s:%d (frontend %s)", *host, *port, *frontend)
	if err := server.Start(); err != nil {
		log.Fatal(err)
	}
}
