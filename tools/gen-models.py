#!/usr/bin/env python3
"""gen-models.py - write src/aws/models/*.c from botocore's service models.

Reads tools/operations.txt (lines "service: Op Op ...", service = the name of
botocore's data directory) and, for each service, the newest
service-2.json(.gz) that botocore ships. Writes src/aws/models/<service>.c
(hyphens become underscores) holding the tables of src/aws/model.h for
exactly the listed operations and every shape they reach (input, output and
error shapes), and src/aws/models/index.c with aws_models[] and the lookups.

Member traits are stored *effective*, as botocore's ShapeResolver merges
them: a member ref's locationName/queryName/flattened/timestampFormat win
over the target shape's own, and the shape's own apply when the ref has none.

The output is deterministic: shapes and operations sorted by name, no dates.
Standard library only; botocore is located with `import botocore`.

Usage: tools/gen-models.py [--srcdir DIR] [--outdir DIR]
(--outdir defaults to SRCDIR/src/aws/models; the tests write elsewhere to
check that the committed tables are current.)
"""

import argparse
import gzip
import json
import os
import sys

import botocore

PROTOCOLS = {
    'ec2': 'AWS_PROTO_EC2',
    'query': 'AWS_PROTO_QUERY',
    'json': 'AWS_PROTO_JSON',
    'rest-json': 'AWS_PROTO_REST_JSON',
}
TYPES = {
    'structure': 'AWS_T_STRUCTURE',
    'list': 'AWS_T_LIST',
    'map': 'AWS_T_MAP',
    'string': 'AWS_T_STRING',
    'integer': 'AWS_T_INTEGER',
    'long': 'AWS_T_LONG',
    'float': 'AWS_T_FLOAT',
    'double': 'AWS_T_DOUBLE',
    'boolean': 'AWS_T_BOOLEAN',
    'timestamp': 'AWS_T_TIMESTAMP',
    'blob': 'AWS_T_BLOB',
    'document': 'AWS_T_DOCUMENT',
}
LOCATIONS = {
    None: 'AWS_LOC_BODY',
    'uri': 'AWS_LOC_URI',
    'querystring': 'AWS_LOC_QUERYSTRING',
    'header': 'AWS_LOC_HEADER',
    'headers': 'AWS_LOC_HEADERS',
    'statusCode': 'AWS_LOC_STATUSCODE',
}
TS_FORMATS = {
    None: 'AWS_TS_DEFAULT',
    'iso8601': 'AWS_TS_ISO8601',
    'rfc822': 'AWS_TS_RFC822',
    'unixTimestamp': 'AWS_TS_UNIX',
}


def die(msg):
    sys.stderr.write('gen-models: %s\n' % msg)
    sys.exit(1)


def botocore_data_dir():
    return os.path.join(os.path.dirname(botocore.__file__), 'data')


def load_service(data_dir, service):
    """The newest API version's service-2 model of a service, as a dict."""
    sdir = os.path.join(data_dir, service)
    if not os.path.isdir(sdir):
        die('botocore has no service %r' % service)
    versions = sorted(v for v in os.listdir(sdir)
                      if os.path.isdir(os.path.join(sdir, v)))
    for version in reversed(versions):
        base = os.path.join(sdir, version, 'service-2.json')
        if os.path.exists(base):
            with open(base, 'rb') as f:
                return json.loads(f.read().decode('utf-8'))
        if os.path.exists(base + '.gz'):
            with gzip.open(base + '.gz', 'rb') as f:
                return json.loads(f.read().decode('utf-8'))
    die('no service-2.json for %r' % service)


def read_operations(path):
    """{service: [ops]} in file order, duplicates dropped."""
    services = {}
    with open(path, encoding='utf-8') as f:
        for lineno, line in enumerate(f, 1):
            line = line.split('#', 1)[0].strip()
            if not line:
                continue
            if ':' not in line:
                die('%s:%d: expected "service: Op ..."' % (path, lineno))
            svc, ops = line.split(':', 1)
            lst = services.setdefault(svc.strip(), [])
            for op in ops.split():
                if op not in lst:
                    lst.append(op)
    return services


def cstr(s):
    if s is None:
        return 'NULL'
    out = '"'
    for ch in s:
        if ch in '"\\':
            out += '\\' + ch
        elif 32 <= ord(ch) < 127:
            out += ch
        else:
            die('non-ASCII name %r' % s)
    return out + '"'


def ident(service):
    return service.replace('-', '_')


class Service:
    def __init__(self, key, model, ops):
        self.key = key
        self.model = model
        self.ops = ops
        self.shapes = model['shapes']
        self.reached = set()

    def reach(self, name):
        if name in self.reached:
            return
        if name not in self.shapes:
            die('%s: unknown shape %s' % (self.key, name))
        self.reached.add(name)
        s = self.shapes[name]
        t = s['type']
        if t not in TYPES:
            die('%s: shape %s has unsupported type %s' % (self.key, name, t))
        if s.get('eventstream') or s.get('streaming'):
            die('%s: streaming shape %s is not supported' % (self.key, name))
        if t == 'structure':
            for m in s.get('members', {}).values():
                self.reach(m['shape'])
        elif t == 'list':
            self.reach(s['member']['shape'])
        elif t == 'map':
            self.reach(s['key']['shape'])
            self.reach(s['value']['shape'])

    def walk(self):
        for op in self.ops:
            if op not in self.model['operations']:
                die('%s has no operation %s' % (self.key, op))
            o = self.model['operations'][op]
            if 'endpoint' in o and 'hostPrefix' in o['endpoint']:
                die('%s.%s uses hostPrefix, which the serialisers do not '
                    'implement' % (self.key, op))
            for k in ('input', 'output'):
                if k in o:
                    self.reach(o[k]['shape'])
            for e in o.get('errors', []):
                self.reach(e['shape'])
        self.order = sorted(self.reached)
        self.index = {n: i for i, n in enumerate(self.order)}


def eff(ref, shapes, trait):
    """A trait of a member ref, else of its target shape (botocore merges)."""
    if trait in ref:
        return ref[trait]
    return shapes[ref['shape']].get(trait)


def ref_flags(ref, shapes, required=False):
    flags = []
    if eff(ref, shapes, 'flattened'):
        flags.append('AWS_F_FLATTENED')
    if eff(ref, shapes, 'xmlAttribute'):
        flags.append('AWS_F_XML_ATTRIBUTE')
    if eff(ref, shapes, 'idempotencyToken'):
        flags.append('AWS_F_IDEMPOTENCY_TOKEN')
    if eff(ref, shapes, 'jsonvalue'):
        flags.append('AWS_F_JSONVALUE')
    if eff(ref, shapes, 'sensitive'):
        flags.append('AWS_F_SENSITIVE')
    if required:
        flags.append('AWS_F_REQUIRED')
    if eff(ref, shapes, 'hostLabel'):
        flags.append('AWS_F_HOST_LABEL')
    return ' | '.join(flags) if flags else '0'


def shape_flags(s):
    flags = []
    if s.get('flattened'):
        flags.append('AWS_F_FLATTENED')
    if s.get('sensitive'):
        flags.append('AWS_F_SENSITIVE')
    return ' | '.join(flags) if flags else '0'


def ts_format(fmt, where):
    if fmt not in TS_FORMATS:
        die('%s: unknown timestampFormat %r' % (where, fmt))
    return TS_FORMATS[fmt]


def emit_service(svc, version):
    m = svc.model
    meta = m['metadata']
    shapes = svc.shapes
    cid = ident(svc.key)
    protocol = meta.get('protocol')
    protos = meta.get('protocols')
    if protos:
        # botocore's resolved_protocol: the first of its priority order that
        # the service lists (json before query). Any listed protocol is one
        # the service speaks, so we take the first of those we implement.
        order = ('json', 'rest-json', 'query', 'ec2')
        protocol = next((p for p in order if p in protos), None)
    if protocol not in PROTOCOLS:
        die('%s: unsupported protocol %r' % (svc.key, protocol))
    if 'awsQueryCompatible' in meta:
        die('%s: awsQueryCompatible is not implemented' % svc.key)
    out = []
    w = out.append
    w('/* src/aws/models/%s.c - generated by tools/gen-models.py from '
      'botocore %s - do not edit.\n' % (cid, version))
    w(' * Service %s, API %s: %d operations, %d shapes. See model.h. */\n'
      % (svc.key, meta['apiVersion'], len(svc.ops), len(svc.order)))
    w('#include "config.h"\n\n#include "aws/model.h"\n\n')

    for name in svc.order:
        s = shapes[name]
        if s['type'] != 'structure' or not s.get('members'):
            continue
        req = set(s.get('required', []))
        w('static const struct aws_member m_%s[] = {\n' % name)
        for mname, ref in s['members'].items():
            w('\t{%s, %s, %s, %d, %s, %s, %s},\n' % (
                cstr(mname), cstr(eff(ref, shapes, 'locationName')),
                cstr(eff(ref, shapes, 'queryName')),
                svc.index[ref['shape']],
                LOCATIONS[ref.get('location')],
                ref_flags(ref, shapes, mname in req),
                ts_format(ref.get('timestampFormat'),
                          '%s.%s' % (name, mname))))
        w('};\n\n')

    w('static const struct aws_shape shapes[] = {\n')
    for i, name in enumerate(svc.order):
        s = shapes[name]
        t = s['type']
        if s.get('document'):
            t = 'document'
        members = 'NULL'
        count = 0
        payload = None
        member_shape = key_shape = value_shape = -1
        member_ln = key_ln = value_ln = None
        member_flags = '0'
        error_code = None
        if t == 'structure':
            if s.get('members'):
                members = 'm_%s' % name
                count = len(s['members'])
            payload = s.get('payload')
            if s.get('exception') or 'error' in s:
                error_code = s.get('error', {}).get('code', name)
        elif t == 'list':
            ref = s['member']
            member_shape = svc.index[ref['shape']]
            member_ln = eff(ref, shapes, 'locationName')
            member_flags = ref_flags(ref, shapes)
        elif t == 'map':
            key_shape = svc.index[s['key']['shape']]
            key_ln = eff(s['key'], shapes, 'locationName')
            value_shape = svc.index[s['value']['shape']]
            value_ln = eff(s['value'], shapes, 'locationName')
        w('\t/* %d */ {%s, %s, %s, %s,\n\t\t%s, %d, %s,\n'
          '\t\t%d, %s, %s, %d, %s, %d, %s, %s},\n' % (
              i, cstr(name), TYPES[t], shape_flags(s),
              ts_format(s.get('timestampFormat'), name),
              members, count, cstr(payload),
              member_shape, cstr(member_ln), member_flags,
              key_shape, cstr(key_ln), value_shape, cstr(value_ln),
              cstr(error_code)))
    w('};\n\n')

    w('static const struct aws_operation operations[] = {\n')
    for op in sorted(svc.ops):
        o = m['operations'][op]
        http = o.get('http', {})
        inp = svc.index[o['input']['shape']] if 'input' in o else -1
        outp = svc.index[o['output']['shape']] if 'output' in o else -1
        wrapper = o['output'].get('resultWrapper') if 'output' in o else None
        w('\t{%s, %s, %s, %d, %d, %s, %d},\n' % (
            cstr(op), cstr(http.get('method', 'POST')),
            cstr(http.get('requestUri', '/')), inp, outp, cstr(wrapper),
            http.get('responseCode', 0)))
    w('};\n\n')

    global_ep = 1 if meta.get('globalEndpoint') else 0
    w('const struct aws_service_model aws_model_%s = {\n' % cid)
    w('\t.name = %s,\n' % cstr(svc.key))
    w('\t.service_id = %s,\n' % cstr(meta.get('serviceId')))
    w('\t.endpoint_prefix = %s,\n' % cstr(meta['endpointPrefix']))
    w('\t.signing_name = %s,\n'
      % cstr(meta.get('signingName', meta['endpointPrefix'])))
    w('\t.api_version = %s,\n' % cstr(meta['apiVersion']))
    w('\t.target_prefix = %s,\n' % cstr(meta.get('targetPrefix')))
    w('\t.json_version = %s,\n' % cstr(meta.get('jsonVersion')))
    w('\t.xml_namespace = %s,\n' % cstr(meta.get('xmlNamespace')))
    w('\t.protocol = %s,\n' % PROTOCOLS[protocol])
    w('\t.global = %d,\n' % global_ep)
    w('\t.shapes = shapes,\n')
    w('\t.shape_count = %d,\n' % len(svc.order))
    w('\t.operations = operations,\n')
    w('\t.operation_count = %d,\n' % len(svc.ops))
    w('};\n')
    return ''.join(out)


def emit_index(keys, version):
    out = []
    w = out.append
    w('/* src/aws/models/index.c - generated by tools/gen-models.py from '
      'botocore %s - do not edit.\n' % version)
    w(' * Every generated service and the lookups of model.h. */\n')
    w('#include "config.h"\n\n#include <string.h>\n\n#include "aws/model.h"\n\n')
    for k in keys:
        w('extern const struct aws_service_model aws_model_%s;\n' % ident(k))
    w('\nconst struct aws_service_model *const aws_models[] = {\n')
    for k in keys:
        w('\t&aws_model_%s,\n' % ident(k))
    w('\tNULL,\n};\n\n')
    w('''const struct aws_service_model *aws_model_find(const char *service)
{
	if (!service)
		return NULL;
	for (size_t i = 0; aws_models[i]; i++)
		if (strcmp(aws_models[i]->name, service) == 0)
			return aws_models[i];
	return NULL;
}

const struct aws_operation *aws_model_operation(
	const struct aws_service_model *svc, const char *operation)
{
	if (!svc || !operation)
		return NULL;
	for (int i = 0; i < svc->operation_count; i++)
		if (strcmp(svc->operations[i].name, operation) == 0)
			return &svc->operations[i];
	return NULL;
}

const struct aws_shape *aws_model_shape(const struct aws_service_model *svc,
					int index)
{
	if (!svc || index < 0 || index >= svc->shape_count)
		return NULL;
	return &svc->shapes[index];
}
''')
    return ''.join(out)


def write_if_changed(path, text):
    try:
        with open(path, encoding='utf-8') as f:
            if f.read() == text:
                return
    except FileNotFoundError:
        pass
    with open(path, 'w', encoding='utf-8') as f:
        f.write(text)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--srcdir', default=os.path.join(
        os.path.dirname(os.path.abspath(__file__)), '..'))
    ap.add_argument('--outdir', default=None)
    args = ap.parse_args()
    srcdir = args.srcdir
    ops = read_operations(os.path.join(srcdir, 'tools', 'operations.txt'))
    data_dir = botocore_data_dir()
    version = botocore.__version__
    outdir = args.outdir or os.path.join(srcdir, 'src', 'aws', 'models')
    os.makedirs(outdir, exist_ok=True)
    keys = sorted(ops)
    for key in keys:
        svc = Service(key, load_service(data_dir, key), ops[key])
        svc.walk()
        write_if_changed(os.path.join(outdir, ident(key) + '.c'),
                         emit_service(svc, version))
    write_if_changed(os.path.join(outdir, 'index.c'),
                     emit_index(keys, version))


if __name__ == '__main__':
    main()
