/*
 * id.h - the value that stands for "no object" in netsim's 32-bit ids and
 * indices (nodes, links, ports, ops, flows, list links): one definition for
 * the core, the models, the workload builders and the tests.
 */
#ifndef NS_ID_H
#define NS_ID_H

#include <stdint.h>

#define NS_NONE UINT32_MAX

#endif
