#!/usr/bin/env python3
"""diff_serialize.py - our request serialisers against botocore's.

For every operation in tools/operations.txt this builds inputs from the
operation's input shape (every member filled recursively with deterministic
sample values of the right type, bounded depth; and one with only the
required members), adds hand-written inputs like the ones the deployment
sends, and negative cases (an unknown member, a wrong type) that both sides
must refuse. Every case is serialised by botocore
(botocore.serialize.create_serializer(protocol) over the loaded ServiceModel)
and by tests/aws-serialize (all cases through one run, JSON lines), and any
difference fails: method, path, query string, headers, and the body compared
as an ordered list of form pairs (ec2/query) or as parsed JSON (json,
rest-json).

Exit 0 when all cases agree, 1 otherwise, 77 when botocore is missing.
"""

import base64
import copy
import json
import os
import subprocess
import sys
import tempfile
import urllib.parse

try:
    import botocore
    import botocore.loaders
    import botocore.model
    import botocore.serialize
    import botocore.utils
    from botocore.exceptions import ParamValidationError
except ImportError:
    print('botocore is not installed: skipping')
    sys.exit(77)

TOKEN = '00000000-1111-4222-8333-444444444444'  # = TEST_TOKEN in aws-serialize.c
MAX_DEPTH = 7


def srcdir():
    return os.environ.get('top_srcdir') or os.path.join(
        os.path.dirname(os.path.abspath(__file__)), '..')


def builddir():
    return os.environ.get('top_builddir') or os.getcwd()


def read_operations():
    ops = []
    path = os.path.join(srcdir(), 'tools', 'operations.txt')
    with open(path, encoding='utf-8') as f:
        for line in f:
            line = line.split('#', 1)[0].strip()
            if not line:
                continue
            svc, names = line.split(':', 1)
            for op in names.split():
                if (svc.strip(), op) not in ops:
                    ops.append((svc.strip(), op))
    return ops


class Sampler:
    """Deterministic sample values; ours (JSON) and botocore's (Python)
    differ only for blobs (base64 text vs bytes)."""

    def __init__(self):
        self.n = 0

    def string(self, shape, name):
        self.n += 1
        if shape.metadata.get('enum'):
            enum = shape.metadata['enum']
            return enum[self.n % len(enum)]
        # Characters that need percent-encoding, and a slash.
        value = '%s-%d a/b+c' % (name, self.n)
        lo = shape.metadata.get('min', 0)
        if len(value) < lo:
            value += 'x' * (lo - len(value))
        return value

    def value(self, shape, name, depth, required_only, stack):
        t = shape.type_name
        if t == 'structure':
            if shape.is_document_type:
                return {'doc': [1, 'two', True]}
            out = {}
            if shape.name in stack or depth > MAX_DEPTH:
                return out
            req = set(shape.required_members)
            for mname, mshape in shape.members.items():
                if required_only and mname not in req:
                    continue
                if mshape.serialization.get('location') == 'statusCode':
                    continue
                if (mshape.type_name in ('structure', 'list', 'map') and
                        depth >= MAX_DEPTH and mname not in req):
                    continue
                out[mname] = self.value(mshape, mname, depth + 1,
                                        required_only, stack + [shape.name])
            return out
        if t == 'list':
            count = max(2, shape.metadata.get('min', 0))
            if required_only:
                count = max(1, shape.metadata.get('min', 0))
            return [self.value(shape.member, name, depth + 1, required_only,
                               stack) for _ in range(count)]
        if t == 'map':
            out = {}
            for i in range(2):
                key = '%s-k%d' % (name, i + 1)
                out[key] = self.value(shape.value, name, depth + 1,
                                      required_only, stack)
            return out
        if t == 'string':
            return self.string(shape, name)
        if t in ('integer', 'long'):
            self.n += 1
            lo = shape.metadata.get('min', 0)
            return max(lo, self.n % 50 + 1)
        if t in ('float', 'double'):
            self.n += 1
            return self.n + 0.25
        if t == 'boolean':
            self.n += 1
            return self.n % 2 == 0
        if t == 'timestamp':
            self.n += 1
            return '2024-01-%02dT03:04:05Z' % (self.n % 28 + 1)
        if t == 'blob':
            self.n += 1
            return base64.b64encode(b'blob %d\x00\xff' % self.n).decode()
        raise ValueError('no sample for type %s' % t)


def to_botocore(value, shape):
    """Our JSON input -> botocore's Python input (blobs become bytes)."""
    t = shape.type_name
    if t == 'structure' and not shape.is_document_type:
        return {k: to_botocore(v, shape.members[k]) if k in shape.members
                else v for k, v in value.items()}
    if t == 'list' and isinstance(value, list):
        return [to_botocore(v, shape.member) for v in value]
    if t == 'map' and isinstance(value, dict):
        return {k: to_botocore(v, shape.value) for k, v in value.items()}
    if t == 'blob' and isinstance(value, str):
        return base64.b64decode(value)
    return value


def protocol_of(svc):
    # Newer botocore resolves "protocols" by priority; older has "protocol".
    return getattr(svc, 'resolved_protocol', None) or svc.protocol


def botocore_request(models, service, op, inp):
    """Serialise with botocore; returns a normalised dict or {'error'}."""
    svc = models[service]
    om = svc.operation_model(op)
    params = copy.deepcopy(inp) if inp is not None else {}
    if om.input_shape is not None:
        params = to_botocore(params, om.input_shape)
        # botocore's generate_idempotent_uuid handler, with our token.
        for name, member in om.input_shape.members.items():
            if member.metadata.get('idempotencyToken') and name not in params:
                params[name] = TOKEN
    ser = botocore.serialize.create_serializer(protocol_of(svc), True)
    try:
        r = ser.serialize_to_request(params, om)
    except (ParamValidationError, KeyError, TypeError, ValueError) as e:
        return {'error': str(e)}
    qs = r['query_string']
    if isinstance(qs, dict):
        qs = botocore.utils.percent_encode_sequence(qs) if qs else ''
    body = r['body']
    if isinstance(body, dict):
        body = [(k, str(v)) for k, v in body.items()]
    elif isinstance(body, bytes):
        body = body.decode('utf-8')
    return {'method': r['method'], 'path': r['url_path'], 'query': qs,
            'headers': dict(r['headers']), 'body': body}


def normalise_ours(out, protocol):
    if 'error' in out:
        return out
    body = out['body']
    if protocol in ('ec2', 'query'):
        body = urllib.parse.parse_qsl(body, keep_blank_values=True,
                                      strict_parsing=False)
        # parse_qsl turns '+' into ' '; we never send a bare '+'.
    return {'method': out['method'], 'path': out['path'],
            'query': out['query'], 'headers': dict(out['headers']),
            'body': body}


def compare(protocol, ours, theirs):
    """A list of differences, empty when the requests agree."""
    if 'error' in ours or 'error' in theirs:
        if 'error' in ours and 'error' in theirs:
            return []
        return ['ours: %s / botocore: %s' % (ours.get('error', 'ok'),
                                             theirs.get('error', 'ok'))]
    diffs = []
    for k in ('method', 'path', 'query', 'headers'):
        if ours[k] != theirs[k]:
            diffs.append('%s: ours %r, botocore %r' % (k, ours[k], theirs[k]))
    ob, tb = ours['body'], theirs['body']
    if protocol in ('ec2', 'query'):
        if ob != tb:
            for i, (a, b) in enumerate(zip(ob, tb)):
                if a != b:
                    diffs.append('body pair %d: ours %r, botocore %r'
                                 % (i, a, b))
                    break
            else:
                diffs.append('body: ours %d pairs, botocore %d'
                             % (len(ob), len(tb)))
    else:
        try:
            oj = json.loads(ob) if ob else None
            tj = json.loads(tb) if tb else None
        except ValueError:
            oj, tj = ob, tb
        if oj != tj:
            diffs.append('body: ours %r, botocore %r' % (ob, tb))
    return diffs


def realistic_cases():
    """What the deployment sends, written by hand."""
    user_data = base64.b64encode(b'#!/bin/bash\necho ECS_CLUSTER=pai >> '
                                 b'/etc/ecs/ecs.config\n').decode()
    tags = [{'Key': 'Name', 'Value': 'private-ai'},
            {'Key': 'ecs-wizard', 'Value': 'deployment 1'}]
    return [
        ('ec2', 'CreateVpc', {
            'CidrBlock': '10.0.0.0/16',
            'TagSpecifications': [{'ResourceType': 'vpc', 'Tags': tags}]}),
        ('ec2', 'RunInstances', {
            'ImageId': 'ami-0123456789abcdef0', 'InstanceType': 'g5.xlarge',
            'MinCount': 1, 'MaxCount': 1, 'KeyName': 'pai-key',
            'SubnetId': 'subnet-1', 'SecurityGroupIds': ['sg-1', 'sg-2'],
            'UserData': user_data,
            'IamInstanceProfile': {'Name': 'ecsInstanceRole'},
            'TagSpecifications': [
                {'ResourceType': 'instance', 'Tags': tags},
                {'ResourceType': 'volume', 'Tags': tags[:1]}]}),
        ('ec2', 'CreateLaunchTemplate', {
            'LaunchTemplateName': 'pai-lt',
            'LaunchTemplateData': {
                'ImageId': 'ami-1', 'InstanceType': 'g5.2xlarge',
                'UserData': user_data,
                'BlockDeviceMappings': [{
                    'DeviceName': '/dev/xvda',
                    'Ebs': {'VolumeSize': 200, 'VolumeType': 'gp3',
                            'DeleteOnTermination': True,
                            'Encrypted': True}}],
                'IamInstanceProfile': {'Arn': 'arn:aws:iam::1:instance-profile/x'},
                'NetworkInterfaces': [{'DeviceIndex': 0,
                                       'AssociatePublicIpAddress': False,
                                       'Groups': ['sg-1']}],
                'MetadataOptions': {'HttpTokens': 'required',
                                    'HttpPutResponseHopLimit': 2},
                'TagSpecifications': [{'ResourceType': 'instance',
                                       'Tags': tags}]},
            'TagSpecifications': [{'ResourceType': 'launch-template',
                                   'Tags': tags}]}),
        ('ec2', 'AuthorizeSecurityGroupIngress', {
            'GroupId': 'sg-1',
            'IpPermissions': [
                {'IpProtocol': 'tcp', 'FromPort': 8080, 'ToPort': 8080,
                 'UserIdGroupPairs': [{'GroupId': 'sg-2',
                                       'Description': 'from the ALB'}]},
                {'IpProtocol': 'tcp', 'FromPort': 22, 'ToPort': 22,
                 'IpRanges': [{'CidrIp': '203.0.113.7/32',
                               'Description': 'admin ssh'}],
                 'Ipv6Ranges': [{'CidrIpv6': '2001:db8::/64'}]}]}),
        ('ec2', 'DescribeInstanceTypeOfferings', {
            'LocationType': 'availability-zone',
            'Filters': [{'Name': 'instance-type',
                         'Values': ['g5.xlarge', 'g5.2xlarge']}]}),
        ('ec2', 'ImportKeyPair', {
            'KeyName': 'pai',
            'PublicKeyMaterial': base64.b64encode(
                b'ssh-ed25519 AAAAC3Nz test').decode()}),
        ('ecs', 'RegisterTaskDefinition', {
            'family': 'private-ai',
            'requiresCompatibilities': ['EC2'],
            'networkMode': 'awsvpc', 'cpu': '4096', 'memory': '15360',
            'executionRoleArn': 'arn:aws:iam::1:role/ecsTaskExecutionRole',
            'containerDefinitions': [{
                'name': 'private-ai', 'image': 'example/private-ai:gpu',
                'essential': True, 'memoryReservation': 14000,
                'portMappings': [{'containerPort': 8080, 'hostPort': 8080,
                                  'protocol': 'tcp'}],
                'environment': [{'name': 'PAI_DISABLE_TELEMETRY',
                                 'value': 'true'}],
                'resourceRequirements': [{'type': 'GPU', 'value': '1'}],
                'healthCheck': {
                    'command': ['CMD-SHELL',
                                'curl -f http://localhost:8080/healthz || exit 1'],
                    'interval': 30, 'timeout': 5, 'retries': 3,
                    'startPeriod': 600},
                'mountPoints': [{'sourceVolume': 'license',
                                 'containerPath': '/app/license',
                                 'readOnly': True}],
                'logConfiguration': {
                    'logDriver': 'awslogs',
                    'options': {'awslogs-group': '/ecs/private-ai',
                                'awslogs-region': 'us-east-1',
                                'awslogs-stream-prefix': 'pai'}}}],
            'volumes': [{'name': 'license',
                         'efsVolumeConfiguration': {
                             'fileSystemId': 'fs-1',
                             'rootDirectory': '/',
                             'transitEncryption': 'ENABLED'}}],
            'tags': [{'key': 'ecs-wizard', 'value': '1'}]}),
        ('efs', 'CreateFileSystem', {
            'CreationToken': 'pai-license-1', 'Encrypted': True,
            'PerformanceMode': 'generalPurpose',
            'Tags': [{'Key': 'Name', 'Value': 'pai-license'}]}),
        ('efs', 'CreateFileSystem', {'Tags': [{'Key': 'Name',
                                               'Value': 'token filled'}]}),
        ('efs', 'CreateMountTarget', {'FileSystemId': 'fs-1',
                                      'SubnetId': 'subnet-0123456789',
                                      'SecurityGroups': ['sg-0123456789']}),
        ('efs', 'DescribeMountTargets', {'FileSystemId': 'fs-1',
                                         'MaxItems': 10}),
        ('elbv2', 'CreateLoadBalancer', {
            'Name': 'pai-alb', 'Subnets': ['subnet-1', 'subnet-2'],
            'SecurityGroups': ['sg-1'], 'Scheme': 'internal',
            'Type': 'application', 'IpAddressType': 'ipv4',
            'Tags': tags}),
        ('elbv2', 'ModifyTargetGroupAttributes', {
            'TargetGroupArn': 'arn:tg',
            'Attributes': [{'Key': 'deregistration_delay.timeout_seconds',
                            'Value': '30'}]}),
        ('autoscaling', 'CreateAutoScalingGroup', {
            'AutoScalingGroupName': 'pai-asg', 'MinSize': 0, 'MaxSize': 1,
            'DesiredCapacity': 1,
            'LaunchTemplate': {'LaunchTemplateId': 'lt-1',
                               'Version': '$Latest'},
            'VPCZoneIdentifier': 'subnet-1,subnet-2',
            'NewInstancesProtectedFromScaleIn': True,
            'Tags': [{'Key': 'AmazonECSManaged', 'Value': '',
                      'PropagateAtLaunch': True,
                      'ResourceId': 'pai-asg',
                      'ResourceType': 'auto-scaling-group'}]}),
        ('iam', 'CreatePolicy', {
            'PolicyName': 'pai-policy', 'Path': '/ecs-wizard/',
            'PolicyDocument': json.dumps({
                'Version': '2012-10-17',
                'Statement': [{'Effect': 'Allow',
                               'Action': ['ecr:GetAuthorizationToken'],
                               'Resource': '*'}]}),
            'Tags': [{'Key': 'ecs-wizard', 'Value': '1'}]}),
        ('iam', 'SimulatePrincipalPolicy', {
            'PolicySourceArn': 'arn:aws:iam::1:user/me',
            'ActionNames': ['ec2:RunInstances', 'ecs:CreateCluster']}),
        ('cloudformation', 'CreateStack', {
            'StackName': 's', 'TemplateBody': '{}',
            'Parameters': [{'ParameterKey': 'A', 'ParameterValue': 'b'}],
            'Capabilities': ['CAPABILITY_IAM'], 'Tags': tags}),
        ('cloudformation', 'ListStacks', {'StackStatusFilter': []}),
        ('logs', 'CreateLogGroup', {'logGroupName': '/ecs/private-ai',
                                    'tags': {'ecs-wizard': '1'}}),
        ('ecs', 'ListClusters' if False else 'DescribeClusters',
         {'clusters': ['pai'], 'include': ['TAGS']}),
        ('ecs', 'CreateService', {
            'cluster': 'pai', 'serviceName': 'pai', 'taskDefinition': 'pai:1',
            'desiredCount': 1,
            'capacityProviderStrategy': [{'capacityProvider': 'cp',
                                          'weight': 1, 'base': 0}],
            'networkConfiguration': {'awsvpcConfiguration': {
                'subnets': ['subnet-1'], 'securityGroups': ['sg-1'],
                'assignPublicIp': 'DISABLED'}},
            'loadBalancers': [{'targetGroupArn': 'arn:tg',
                               'containerName': 'pai',
                               'containerPort': 8080}],
            'healthCheckGracePeriodSeconds': 900}),
        ('apigatewayv2', 'CreateIntegration', {
            'ApiId': 'abc123', 'IntegrationType': 'HTTP_PROXY',
            'IntegrationMethod': 'ANY', 'ConnectionType': 'VPC_LINK',
            'ConnectionId': 'vl-1', 'IntegrationUri': 'arn:listener',
            'PayloadFormatVersion': '1.0',
            'RequestParameters': {'overwrite:path': '$request.path'}}),
        ('apigatewayv2', 'GetApis', {'MaxResults': '10',
                                     'NextToken': 'a/b c'}),
        ('sts', 'GetCallerIdentity', {}),
        ('sts', 'AssumeRole', {
            'RoleArn': 'arn:aws:iam::123456789012:role/pai',
            'RoleSessionName': 'ecs-wizard',
                               'DurationSeconds': 900}),
        ('service-quotas', 'GetServiceQuota', {'ServiceCode': 'ec2',
                                               'QuotaCode': 'L-DB2E81BA'}),
        ('pricing', 'GetProducts', {
            'ServiceCode': 'AmazonEC2', 'FormatVersion': 'aws_v1',
            'Filters': [{'Type': 'TERM_MATCH', 'Field': 'instanceType',
                         'Value': 'g5.xlarge'}], 'MaxResults': 100}),
        ('ssm', 'GetParameter', {
            'Name': '/aws/service/ecs/optimized-ami/amazon-linux-2/gpu/recommended/image_id'}),
        ('ec2', 'DescribeScalingActivities' if False else 'DescribeImages',
         {'Owners': ['amazon'], 'Filters': [{'Name': 'name',
                                             'Values': ['a*']}]}),
        ('autoscaling', 'DescribeScalingActivities',
         {'AutoScalingGroupName': 'pai-asg', 'MaxRecords': 20}),
        ('cloudformation', 'ListStacks', {}),
        # Timestamps: ISO with fractions and offsets, epoch numbers;
        # doubles integral and not.
        ('ec2', 'RunInstances', {
            'MinCount': 1, 'MaxCount': 1,
            'InstanceMarketOptions': {'MarketType': 'spot', 'SpotOptions': {
                'ValidUntil': '2024-05-06T07:08:09.123456Z'}}}),
        ('ec2', 'RunInstances', {
            'MinCount': 1, 'MaxCount': 1,
            'InstanceMarketOptions': {'SpotOptions': {
                'ValidUntil': '2024-05-06T09:08:09+02:00'}}}),
        ('ec2', 'RunInstances', {
            'MinCount': 1, 'MaxCount': 1,
            'InstanceMarketOptions': {'SpotOptions': {
                'ValidUntil': 1714979289}}}),
        ('ec2', 'RunInstances', {
            'MinCount': 1, 'MaxCount': 1,
            'InstanceMarketOptions': {'SpotOptions': {
                'ValidUntil': 1714979289.5}}}),
        ('ec2', 'CreateLaunchTemplate', {
            'LaunchTemplateName': 'pai-x',
            'LaunchTemplateData': {'InstanceRequirements': {
                'VCpuCount': {'Min': 4},
                'MemoryMiB': {'Min': 16384},
                'MemoryGiBPerVCpu': {'Min': 2.0, 'Max': 0.1},
                'NetworkBandwidthGbps': {'Min': 12.5, 'Max': 1e-05}}}}),
        ('efs', 'CreateFileSystem', {'CreationToken': 'x',
                                     'ThroughputMode': 'provisioned',
                                     'ProvisionedThroughputInMibps': 128.0}),
        ('elbv2', 'CreateListener', {
            'LoadBalancerArn': 'arn:lb', 'Protocol': 'HTTPS', 'Port': 443,
            'DefaultActions': [{'Type': 'authenticate-oidc', 'Order': 1,
                                'AuthenticateOidcConfig': {
                                    'Issuer': 'i', 'AuthorizationEndpoint': 'a',
                                    'TokenEndpoint': 't',
                                    'UserInfoEndpoint': 'u', 'ClientId': 'c',
                                    'AuthenticationRequestExtraParams': {
                                        'prompt': 'login', 'x y': 'a&b=c'}}},
                               {'Type': 'forward', 'TargetGroupArn': 'arn:tg',
                                'Order': 2}]}),
        ('ec2', 'DescribeVpcs', {'Filters': [], 'VpcIds': []}),
        ('iam', 'ListPolicies', {'Scope': 'Local', 'OnlyAttached': False,
                                 'MaxItems': 100}),
        ('ecs', 'ListTaskDefinitions', {}),
        ('ecs', 'ListTaskDefinitions', None),
        # UTF-8 and characters that need escaping in every format.
        ('iam', 'TagUser', {'UserName': 'pai',
                            'Tags': [{'Key': 'note',
                                      'Value': '\u00dcbung \u2713 &=+%/?#"\n'}]}),
        ('ecs', 'TagResource', {'resourceArn': 'arn:aws:ecs:x',
                                'tags': [{'key': 'note',
                                          'value': '\u00dcbung \u2713 "\\\n\t'}]}),
        ('efs', 'TagResource', {'ResourceId': 'fs-\u00dc/x y',
                                'Tags': [{'Key': 'k', 'Value': '\u2713'}]}),
    ]


def negative_cases(models, ops):
    """Inputs both serialisers must refuse."""
    cases = []
    for service, op in ops:
        cases.append((service, op, {'NoSuchMember': 'x'}))
    cases.append(('ec2', 'CreateVpc', {
        'CidrBlock': '10.0.0.0/16',
        'TagSpecifications': [{'ResourceType': 'vpc',
                               'Tags': {'Key': 'a'}}]}))
    cases.append(('ec2', 'RunInstances', {'MinCount': 1}))
    cases.append(('ecs', 'DescribeClusters', {'clusters': 'pai'}))
    cases.append(('iam', 'CreateRole', {'RoleName': 'r',
                                        'AssumeRolePolicyDocument': 5}))
    cases.append(('autoscaling', 'UpdateAutoScalingGroup', {
        'AutoScalingGroupName': 'a', 'MinSize': 'one'}))
    cases.append(('efs', 'CreateMountTarget', {'FileSystemId': 'fs-1'}))
    return cases


def tables_current():
    """Differences between the committed tables and what gen-models.py
    writes now; None when this botocore is not the one they came from."""
    models = os.path.join(srcdir(), 'src', 'aws', 'models')
    with open(os.path.join(models, 'index.c'), encoding='utf-8') as f:
        if 'botocore %s ' % botocore.__version__ not in f.readline():
            return None
    with tempfile.TemporaryDirectory() as tmp:
        subprocess.run([sys.executable,
                        os.path.join(srcdir(), 'tools', 'gen-models.py'),
                        '--srcdir', srcdir(), '--outdir', tmp], check=True)
        diffs = []
        for name in sorted(set(os.listdir(tmp)) |
                           {n for n in os.listdir(models) if n.endswith('.c')}):
            try:
                with open(os.path.join(tmp, name), encoding='utf-8') as f:
                    new = f.read()
                with open(os.path.join(models, name), encoding='utf-8') as f:
                    old = f.read()
            except FileNotFoundError:
                diffs.append('%s: only in one of committed/regenerated' % name)
                continue
            if new != old:
                diffs.append('%s differs: run make regen-models' % name)
        return diffs


def main():
    binary = os.path.join(builddir(), 'tests', 'aws-serialize')
    if not os.path.exists(binary):
        print('%s is not built (make check builds it)' % binary)
        return 1
    loader = botocore.loaders.Loader()
    ops = read_operations()
    models = {}
    for service, _ in ops:
        if service not in models:
            models[service] = botocore.model.ServiceModel(
                loader.load_service_model(service, 'service-2'), service)

    cases = []  # (label, service, op, input)
    for service, op in ops:
        om = models[service].operation_model(op)
        shape = om.input_shape
        if shape is None:
            cases.append(('%s.%s empty' % (service, op), service, op, {}))
            continue
        full = Sampler().value(shape, op, 0, False, [])
        minimal = Sampler().value(shape, op, 0, True, [])
        cases.append(('%s.%s full' % (service, op), service, op, full))
        cases.append(('%s.%s minimal' % (service, op), service, op, minimal))
    for i, (service, op, inp) in enumerate(realistic_cases()):
        cases.append(('%s.%s realistic %d' % (service, op, i), service, op,
                      inp))
    for i, (service, op, inp) in enumerate(negative_cases(models, ops)):
        cases.append(('%s.%s bad input %d' % (service, op, i), service, op,
                      inp))

    lines = ''.join(json.dumps({'service': s, 'operation': o, 'input': inp})
                    + '\n' for _, s, o, inp in cases)
    proc = subprocess.run([binary], input=lines.encode(),
                          stdout=subprocess.PIPE, timeout=60, check=False)
    outputs = proc.stdout.decode().splitlines()
    if proc.returncode != 0 or len(outputs) != len(cases):
        print('aws-serialize failed: exit %d, %d of %d answers'
              % (proc.returncode, len(outputs), len(cases)))
        return 1

    passed = failed = 0
    for (label, service, op, inp), line in zip(cases, outputs):
        protocol = protocol_of(models[service])
        theirs = botocore_request(models, service, op, inp)
        ours = normalise_ours(json.loads(line), protocol)
        diffs = compare(protocol, ours, theirs)
        if 'bad input' in label:
            if 'error' not in ours:
                diffs.append('accepted bad input')
        elif 'error' in ours or 'error' in theirs:
            # A good input must be accepted by both, or the case proves
            # nothing.
            diffs.append('refused: ours %s / botocore %s'
                         % (ours.get('error', 'ok'),
                            theirs.get('error', 'ok')))
        if diffs:
            failed += 1
            print('FAIL %s' % label)
            for d in diffs:
                print('    %s' % d)
        else:
            passed += 1
    stale = tables_current()
    if stale is None:
        print('tables come from another botocore: not compared')
    elif stale:
        failed += 1
        print('FAIL committed tables are stale')
        for d in stale:
            print('    %s' % d)
    else:
        passed += 1
    services = len(models)
    print('%d operations in %d services' % (len(ops), services))
    print('%d passed, %d failed' % (passed, failed))
    return 1 if failed else 0


if __name__ == '__main__':
    sys.exit(main())
