/* Where SonarQube, DefectDojo and Harbor are: platform.yaml's `scanners:` section,
 * resolved once into owned strings (secrets from {env: VAR} or {file: PATH}, never
 * inline), then lent to the three clients as their config structs. */
#ifndef OPSDECK_CLIENTS_SCANNERS_CONFIG_H
#define OPSDECK_CLIENTS_SCANNERS_CONFIG_H

#include <stdbool.h>
#include <stddef.h>

#include "clients/defectdojo.h"
#include "clients/harbor.h"
#include "clients/sonarqube.h"

/* A service -> SonarQube project key entry. */
struct scanners_project {
	char *service, *key;
};

/* Every string owned (scanners_config_clear). A scanner is configured when its url is
 * not NULL. */
struct scanners_config {
	struct {
		char *url, *token, *ca_file;
		bool insecure, basic_auth;
		struct scanners_project *projects;
		size_t nprojects;
	} sonarqube;
	struct {
		char *url, *token, *ca_file;
		bool insecure;
	} defectdojo;
	struct {
		char *url, *username, *password, *ca_file, *project, *registry;
		bool insecure;
	} harbor;
};

/* Reads platform_path's section (NULL or an absent file: none):
 *   scanners:
 *     sonarqube:
 *       url: https://sonar.example
 *       token: {env: SONAR_TOKEN}           # or {file: PATH}; inline refused
 *       auth: bearer                        # or basic (token as user, empty password)
 *       projects: {catalog: acme_catalog}   # optional; default key = service name
 *       ca_file: /path/ca.crt               # optional, each scanner
 *       insecure: false                     # optional, each scanner
 *     defectdojo:
 *       url: https://dojo.example
 *       token: {env: DOJO_TOKEN}
 *     harbor:
 *       url: https://harbor.example
 *       username: robot$opsdeck
 *       password: {file: /path/harbor.password}
 *       project: shop                       # optional; default = the tenant
 *       registry: registry.example.com      # optional; default = the url's host
 * Each scanner is optional. Returns 0 when at least one is configured, 1 when none (out
 * zeroed), -1 with err ("FILE:LINE:COL: problem") when the section is present but broken. */
int scanners_config_resolve(const char *platform_path, struct scanners_config *out, char *err,
			    size_t errlen);
void scanners_config_clear(struct scanners_config *cfg);

/* The SonarQube project key of service: its projects: entry, else the service name. */
const char *scanners_sonar_key(const struct scanners_config *cfg, const char *service);
/* The Harbor project for tenant: harbor.project when set, else the tenant. */
const char *scanners_harbor_project(const struct scanners_config *cfg, const char *tenant);

/* Views of the owned strings as the clients' config structs (borrowed). */
struct sonar_config scanners_sonar_view(const struct scanners_config *cfg);
struct dojo_config scanners_dojo_view(const struct scanners_config *cfg);
struct harbor_config scanners_harbor_view(const struct scanners_config *cfg);

#endif
