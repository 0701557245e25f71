/* The sandbox's code and image scanners: a SonarQube (/sonarqube), DefectDojo v2
 * (/defectdojo) and Harbor v2.0 (/harbor) API subset, answering for the services the
 * scenario deploys, each behind its own credential. */
#ifndef OPSDECK_SANDBOX_SCANNERS_API_H
#define OPSDECK_SANDBOX_SCANNERS_API_H

#include <stdbool.h>

#include "sandbox/apireq.h"

/* The credentials, made fresh once per process: the SonarQube user token, the DefectDojo
 * API key and the Harbor robot account's secret. */
const char *sbx_sonarqube_token(void);
const char *sbx_defectdojo_token(void);
const char *sbx_harbor_password(void);
#define SBX_HARBOR_ROBOT "robot$opsdeck"

/* Whether path (the request's, decoded) belongs to one of the three APIs. */
bool sbx_scanners_owns(const char *path);
/* Answers a request whose path sbx_scanners_owns; the store lock is held. */
void sbx_scanners_handle(struct apireq *req);

#endif
