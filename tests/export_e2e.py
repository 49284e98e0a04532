#!/usr/bin/env python3
"""export_e2e.py - `ecs-wizard export` against real parts.

The same spec (with non-default values, so parameters are seen to flow) is
deployed three ways, each on its own fresh moto: by `ecs-wizard deploy`, by
the exported aws-cli script, and by `aws cloudformation create-stack` with
the exported template (which must also pass cfn-lint). Each deployment is
read back with boto3 into the same description (ids replaced by the Name
tags of what they point at) and the script's and the stack's are compared
with the engine's property by property. The spec asks for the API Gateway
section, which moto's CloudFormation cannot create: the stack is made
without it and its resources are compared from the template.

The script runs the real AWS CLI through tests/awscli_warm.py (awscli's own
driver kept loaded: the aws program starts in about a second, times a
hundred commands); ECSW_EXPORT_REAL_AWS=1 runs it with the `aws` program
itself (several minutes on a loaded machine)."""
import base64
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import e2e_common as E  # noqa: E402

E.enter_netns()

ck = E.Checker()
HERE = os.path.dirname(os.path.abspath(__file__))
NAME = "exq"
TAG = "ecs-wizard:deployment"

# What moto's CloudFormation does not implement (its parser skips these
# resource types with a warning, and keeps few of an instance's
# properties): for those the template itself is checked instead.
MOTO_CFN_SKIPS = {"AWS::EC2::KeyPair", "AWS::ECS::CapacityProvider",
                  "AWS::ECS::ClusterCapacityProviderAssociations"}
# moto's CloudFormation has no API Gateway V2 at all: a template holding
# them makes create-stack answer 500. The copy given to moto leaves them
# (and their outputs) out; they are checked from the template instead.
MOTO_CFN_MISSING = "AWS::ApiGatewayV2::"


def tags(lst, k="Key", v="Value"):
    return {t[k]: t[v] for t in (lst or [])}


def aws_env(moto):
    env = E.wizard_env()
    env.update(AWS_ENDPOINT_URL=moto.url, AWS_DEFAULT_REGION="us-east-1", AWS_PAGER="")
    return env


class Snapshot:
    """A deployment read back from moto, ids replaced by names."""

    def __init__(self, moto):
        self.m = moto
        self.names = {}
        self.d = {}

    def name_of(self, ident):
        return self.names.get(ident, ident)

    def take(self):
        ec2 = self.m.client("ec2")
        d = self.d
        vpcs = [v for v in ec2.describe_vpcs()["Vpcs"] if tags(v.get("Tags")).get(TAG) == NAME]
        if len(vpcs) != 1:
            d["vpc"] = "found %d" % len(vpcs)
            return d
        vid = vpcs[0]["VpcId"]
        self.names[vid] = "vpc"
        flt = [{"Name": "vpc-id", "Values": [vid]}]
        subnets = ec2.describe_subnets(Filters=flt)["Subnets"]
        sgs = ec2.describe_security_groups(Filters=flt)["SecurityGroups"]
        rtbs = ec2.describe_route_tables(Filters=flt)["RouteTables"]
        igws = ec2.describe_internet_gateways(
            Filters=[{"Name": "attachment.vpc-id", "Values": [vid]}])["InternetGateways"]
        nats = [n for n in ec2.describe_nat_gateways()["NatGateways"] if n.get("VpcId") == vid]
        for s in subnets:
            self.names[s["SubnetId"]] = tags(s.get("Tags")).get("Name")
        for g in sgs:
            self.names[g["GroupId"]] = g["GroupName"]
        for i in igws:
            self.names[i["InternetGatewayId"]] = "igw"
        for n in nats:
            self.names[n["NatGatewayId"]] = "nat"
        d["vpc"] = {
            "cidr": vpcs[0]["CidrBlock"],
            "dns": [ec2.describe_vpc_attribute(VpcId=vid, Attribute=a)[k]["Value"]
                    for a, k in (("enableDnsSupport", "EnableDnsSupport"),
                                 ("enableDnsHostnames", "EnableDnsHostnames"))],
            # CloudFormation adds its own aws:* tags.
            "tags": {k: v for k, v in tags(vpcs[0].get("Tags")).items() if not k.startswith("aws:")},
        }
        d["subnets"] = {self.name_of(s["SubnetId"]): (s["CidrBlock"], s["AvailabilityZone"],
                                                      s.get("MapPublicIpOnLaunch"))
                        for s in subnets}
        d["igw"] = len(igws)
        d["route_tables"] = sorted(
            (sorted(self.name_of(a["SubnetId"]) for a in r["Associations"] if a.get("SubnetId")),
             sorted((rt.get("DestinationCidrBlock"),
                     self.name_of(rt.get("GatewayId") or rt.get("NatGatewayId")))
                    for rt in r["Routes"]))
            for r in rtbs if any(a.get("SubnetId") for a in r["Associations"]))
        d["security_groups"] = {
            g["GroupName"]: {"description": g["Description"],
                             "in": self.rules(g["IpPermissions"]),
                             "out": self.rules(g["IpPermissionsEgress"])}
            for g in sgs if g["GroupName"] != "default"}
        d["nat"] = [(self.name_of(n["SubnetId"]), n["State"],
                     len(n.get("NatGatewayAddresses", []))) for n in nats]
        for part in (self.take_iam, self.take_compute, self.take_ecs, self.take_apigw):
            try:
                part()
            except Exception as e:  # reported as a difference, the rest still compared
                d[part.__name__] = "failed: %r" % e
        return d

    def rules(self, perms):
        out = []
        for p in perms:
            port = [p.get("IpProtocol"), p.get("FromPort"), p.get("ToPort")]
            for r in p.get("IpRanges", []):
                out.append(port + [r["CidrIp"]])
            for g in p.get("UserIdGroupPairs", []):
                out.append(port + [self.name_of(g["GroupId"])])
        return sorted(out, key=str)

    def take_iam(self):
        iam = self.m.client("iam")
        d = self.d
        user = NAME + "-user"
        try:
            d["user_policies"] = sorted(p["PolicyName"] for p in
                                        iam.list_attached_user_policies(UserName=user)["AttachedPolicies"])
        except Exception as e:
            d["user_policies"] = repr(e)[:80]
        pol = [p for p in iam.list_policies(Scope="Local")["Policies"]
               if p["PolicyName"] == NAME + "-policy"]
        if pol:
            v = iam.get_policy_version(PolicyArn=pol[0]["Arn"],
                                       VersionId=pol[0]["DefaultVersionId"])["PolicyVersion"]
            doc = v["Document"]
            d["policy"] = json.loads(doc) if isinstance(doc, str) else doc
        else:
            d["policy"] = None
        for role in ("ecsInstanceRole", "ecsTaskExecutionRole"):
            r = iam.get_role(RoleName=role)["Role"]
            doc = r["AssumeRolePolicyDocument"]
            d["role " + role] = {
                "trust": json.loads(doc) if isinstance(doc, str) else doc,
                "policies": sorted(p["PolicyName"] for p in
                                   iam.list_attached_role_policies(RoleName=role)["AttachedPolicies"])}
        prof = iam.get_instance_profile(InstanceProfileName="ecsInstanceRole")["InstanceProfile"]
        d["instance_profile_roles"] = [r["RoleName"] for r in prof["Roles"]]

    def take_compute(self):
        d = self.d
        ec2 = self.m.client("ec2")
        efs = self.m.client("efs")
        fss = [f for f in efs.describe_file_systems()["FileSystems"]
               if tags(f.get("Tags")).get("Name") == NAME + "-efs"]
        d["efs"] = [(f["PerformanceMode"], f["Encrypted"]) for f in fss]
        if fss:
            self.names[fss[0]["FileSystemId"]] = "efs"
            mts = efs.describe_mount_targets(FileSystemId=fss[0]["FileSystemId"])["MountTargets"]
            d["efs_mounts"] = sorted(
                (self.name_of(m["SubnetId"]),
                 sorted(self.name_of(g) for g in efs.describe_mount_target_security_groups(
                     MountTargetId=m["MountTargetId"])["SecurityGroups"]))
                for m in mts)
        lts = ec2.describe_launch_templates(LaunchTemplateNames=[NAME + "-lt"])["LaunchTemplates"]
        lt = ec2.describe_launch_template_versions(
            LaunchTemplateId=lts[0]["LaunchTemplateId"], Versions=["$Latest"]
        )["LaunchTemplateVersions"][0]["LaunchTemplateData"]
        d["launch_template"] = {
            "instance_type": lt.get("InstanceType"),
            "image": lt.get("ImageId"),
            "groups": sorted(self.name_of(g) for g in lt.get("SecurityGroupIds", [])),
            "profile": lt.get("IamInstanceProfile"),
            "volumes": lt.get("BlockDeviceMappings"),
            "user_data": base64.b64decode(lt.get("UserData", "")).decode(),
            "key": lt.get("KeyName"),
        }
        elb = self.m.client("elbv2")
        tgs = elb.describe_target_groups(Names=[NAME + "-tg"])["TargetGroups"]
        tg = tgs[0]
        self.names[tg["TargetGroupArn"]] = "tg"
        d["target_group"] = {k: tg.get(k) for k in (
            "Protocol", "Port", "TargetType", "HealthCheckPath", "HealthCheckProtocol",
            "IpAddressType", "ProtocolVersion")}
        d["target_group"]["vpc"] = self.name_of(tg["VpcId"])
        lb = elb.describe_load_balancers(Names=[NAME + "-lb"])["LoadBalancers"][0]
        d["load_balancer"] = {
            "scheme": lb["Scheme"], "type": lb["Type"], "state": lb["State"]["Code"],
            "subnets": sorted(self.name_of(a["SubnetId"]) for a in lb["AvailabilityZones"]),
            "groups": sorted(self.name_of(g) for g in lb.get("SecurityGroups", [])),
            "listeners": sorted(
                (ls["Protocol"], ls["Port"],
                 [(a["Type"], self.name_of(a.get("TargetGroupArn"))) for a in ls["DefaultActions"]])
                for ls in elb.describe_listeners(LoadBalancerArn=lb["LoadBalancerArn"])["Listeners"]),
        }
        asg = self.m.client("autoscaling").describe_auto_scaling_groups(
            AutoScalingGroupNames=[NAME + "-asg"])["AutoScalingGroups"]
        if asg:
            a = asg[0]
            d["asg"] = {
                "sizes": (a["MinSize"], a["MaxSize"], a["DesiredCapacity"]),
                "subnets": sorted(self.name_of(s) for s in a["VPCZoneIdentifier"].split(",")),
                "template": (a.get("LaunchTemplate") or {}).get("LaunchTemplateName"),
                "tags": sorted((t["Key"], t["Value"], t["PropagateAtLaunch"]) for t in a["Tags"]),
            }
        else:
            d["asg"] = None
        addrs = ec2.describe_addresses()["Addresses"]
        d["eips"] = sorted(a.get("Domain") for a in addrs)
        bastions = [i for r in ec2.describe_instances(
            Filters=[{"Name": "tag:Name", "Values": [NAME + "-bastion"]}])["Reservations"]
            for i in r["Instances"]]
        d["bastion"] = [{"type": i["InstanceType"], "image": i["ImageId"],
                         "subnet": self.name_of(i.get("SubnetId")),
                         # moto files the groups of RunInstances' network
                         # interface under the interface only.
                         "groups": sorted({g["GroupName"] for g in i.get("SecurityGroups", []) +
                                           [g for n in i.get("NetworkInterfaces", [])
                                            for g in n.get("Groups", [])]}),
                         "key": i.get("KeyName"),
                         "public_ip": bool(i.get("PublicIpAddress"))} for i in bastions]
        d["key_pairs"] = sorted(k["KeyName"] for k in ec2.describe_key_pairs()["KeyPairs"])
        d["ecr"] = sorted(r["repositoryName"] for r in
                          self.m.client("ecr").describe_repositories()["repositories"])

    def take_ecs(self):
        d = self.d
        ecs = self.m.client("ecs")
        logs = self.m.client("logs")
        lg = [g for g in logs.describe_log_groups(logGroupNamePrefix="/ecs/" + NAME)["logGroups"]
              if g["logGroupName"] == "/ecs/" + NAME]
        d["log_group"] = [g.get("retentionInDays") for g in lg]
        cl = ecs.describe_clusters(clusters=[NAME + "-cluster"])["clusters"]
        d["cluster"] = [(c["clusterName"], c["status"]) for c in cl]
        d["cluster_capacity"] = [(c.get("capacityProviders"),
                                  [(s["capacityProvider"], s.get("weight"), s.get("base"))
                                   for s in c.get("defaultCapacityProviderStrategy", [])]) for c in cl]
        td = ecs.describe_task_definition(taskDefinition=NAME + "-task")["taskDefinition"]
        c = td["containerDefinitions"][0]
        d["task_definition"] = {
            "family": td["family"], "cpu": td.get("cpu"), "memory": td.get("memory"),
            "network": td.get("networkMode"), "compat": td.get("requiresCompatibilities"),
            "platform": td.get("runtimePlatform"),
            "roles": (td.get("taskRoleArn", "").split("/")[-1], td.get("executionRoleArn", "").split("/")[-1]),
            "volumes": [(v["name"], self.name_of(v.get("efsVolumeConfiguration", {}).get("fileSystemId")),
                         v.get("efsVolumeConfiguration", {}).get("rootDirectory")) for v in td.get("volumes", [])],
            "container": {k: c.get(k) for k in ("name", "image", "portMappings", "essential",
                                                 "mountPoints", "logConfiguration", "healthCheck")},
        }
        sv = ecs.describe_services(cluster=NAME + "-cluster", services=[NAME + "-service"])["services"]
        d["service"] = [{
            "desired": s["desiredCount"], "task": s["taskDefinition"].split("/")[-1],
            "network": self.awsvpc(s.get("networkConfiguration")),
            "load_balancers": [(self.name_of(ci(lb, "targetGroupArn")), ci(lb, "containerName"),
                                ci(lb, "containerPort")) for lb in s.get("loadBalancers", [])],
        } for s in sv]

    def take_apigw(self):
        """Section 18: the VPC link, the API, its integration, route, stage."""
        d = self.d
        a = self.m.client("apigatewayv2")
        elb = self.m.client("elbv2")
        for lb in elb.describe_load_balancers()["LoadBalancers"]:
            for ls in elb.describe_listeners(LoadBalancerArn=lb["LoadBalancerArn"])["Listeners"]:
                self.names[ls["ListenerArn"]] = "%s:%d" % (lb["LoadBalancerName"], ls["Port"])
        links = [k for k in a.get_vpc_links()["Items"] if k["Name"] == NAME + "-vpclink"]
        for k in links:
            self.names[k["VpcLinkId"]] = k["Name"]
        d["vpc_links"] = [(k["Name"], sorted(self.name_of(x) for x in k["SubnetIds"]),
                           sorted(self.name_of(x) for x in k["SecurityGroupIds"]), k.get("Tags"))
                          for k in links]
        d["apis"] = []
        for x in [x for x in a.get_apis()["Items"] if x["Name"] == NAME + "-api"]:
            integ = a.get_integrations(ApiId=x["ApiId"])["Items"]
            for i in integ:
                self.names[i["IntegrationId"]] = "integration"
            d["apis"].append({
                "name": x["Name"], "protocol": x["ProtocolType"], "tags": x.get("Tags"),
                "integrations": [(i["IntegrationType"], i.get("IntegrationMethod"), i.get("ConnectionType"),
                                  self.name_of(i.get("ConnectionId")), self.name_of(i.get("IntegrationUri")),
                                  i.get("PayloadFormatVersion")) for i in integ],
                "routes": [(r["RouteKey"], "/".join(self.name_of(p) for p in r.get("Target", "").split("/")))
                           for r in a.get_routes(ApiId=x["ApiId"])["Items"]],
                "stages": [(st["StageName"], st.get("AutoDeploy"), st.get("Tags"))
                           for st in a.get_stages(ApiId=x["ApiId"])["Items"]],
            })

    def awsvpc(self, net):
        vpc = ci(net or {}, "awsvpcConfiguration") or {}
        return {"subnets": sorted(self.name_of(x) for x in ci(vpc, "subnets") or []),
                "groups": sorted(self.name_of(x) for x in ci(vpc, "securityGroups") or []),
                "public_ip": ci(vpc, "assignPublicIp")}


class TemplateView:
    """The template's properties with references resolved to what the
    engine's description calls things: for what moto's CloudFormation
    does not create, the template itself is compared with the engine."""

    NAMES = {"AWS::EC2::VPC": "vpc", "AWS::EC2::InternetGateway": "igw",
             "AWS::EC2::NatGateway": "nat", "AWS::ElasticLoadBalancingV2::TargetGroup": "tg",
             "AWS::EFS::FileSystem": "efs", "AWS::ApiGatewayV2::Integration": "integration",
             "AWS::ElasticLoadBalancingV2::Listener": NAME + "-lb:80"}

    def __init__(self, tpl):
        self.res = tpl["Resources"]
        self.params = tpl["Parameters"]

    def props(self, logical):
        return self.res.get(logical, {}).get("Properties", {})

    def name(self, logical):
        r = self.res.get(logical, {})
        if r.get("Type") in self.NAMES:
            return self.NAMES[r["Type"]]
        p = r.get("Properties", {})
        for k in ("GroupName", "RoleName", "ManagedPolicyName", "Name"):
            if k in p:
                return p[k]
        return tags(p.get("Tags")).get("Name", logical)

    def v(self, x):
        if isinstance(x, list):
            return [self.v(i) for i in x]
        if not isinstance(x, dict):
            return x
        if "Ref" in x:
            if x["Ref"] in self.params:
                return self.params[x["Ref"]]["Default"]
            return "123456789012" if x["Ref"] == "AWS::AccountId" else self.name(x["Ref"])
        if "Fn::GetAtt" in x:
            return self.name(x["Fn::GetAtt"][0])
        if "Fn::Join" in x:
            return x["Fn::Join"][0].join(str(self.v(i)) for i in x["Fn::Join"][1])
        if "Fn::Select" in x and "Fn::GetAZs" in x["Fn::Select"][1]:
            return "us-east-1" + "abcdef"[x["Fn::Select"][0]]
        return {k: self.v(i) for k, i in x.items()}

    def of_type(self, t):
        return {k: r.get("Properties", {}) for k, r in self.res.items() if r["Type"] == t}


def check_template_gaps(tv, engine):
    """What moto's CloudFormation leaves out, read from the template."""
    arn_name = lambda a: a.rsplit("/", 1)[-1]  # noqa: E731
    for logical, role in (("RoleInstance", "ecsInstanceRole"), ("RoleTaskExecution", "ecsTaskExecutionRole")):
        ck.eq(sorted(arn_name(a) for a in tv.v(tv.props(logical).get("ManagedPolicyArns", []))),
              engine.get("role " + role, {}).get("policies"), "template: %s's policies" % role)
    ck.eq(sorted(arn_name(a) for a in tv.v(tv.props("User").get("ManagedPolicyArns", []))),
          engine.get("user_policies"), "template: the user's policies")
    ck.eq(tv.props("InstanceProfile").get("Roles") and tv.v(tv.props("InstanceProfile")["Roles"]),
          engine.get("instance_profile_roles"), "template: the instance profile's role")
    vpc = tv.props("Vpc")
    ck.eq([vpc.get("EnableDnsSupport"), vpc.get("EnableDnsHostnames")], engine["vpc"]["dns"],
          "template: the VPC's DNS attributes")
    subnets = {tv.name(k): (tv.v(p["CidrBlock"]), tv.v(p["AvailabilityZone"]),
                            bool(p.get("MapPublicIpOnLaunch")))
               for k, p in tv.of_type("AWS::EC2::Subnet").items()}
    ck.eq(subnets, engine.get("subnets"), "template: subnets (range, zone, public addresses)")
    assoc = tv.of_type("AWS::EC2::SubnetRouteTableAssociation").values()
    routes = tv.of_type("AWS::EC2::Route").values()
    tables = sorted(
        (sorted(tv.v(a["SubnetId"]) for a in assoc if a["RouteTableId"] == {"Ref": k}),
         sorted([(r["DestinationCidrBlock"], tv.v(r.get("GatewayId") or r.get("NatGatewayId")))
                 for r in routes if r["RouteTableId"] == {"Ref": k}] +
                [(tv.v(vpc["CidrBlock"]), "local")]))
        for k in tv.of_type("AWS::EC2::RouteTable"))
    ck.eq(tables, engine.get("route_tables"), "template: route tables, routes and associations")
    for k, p in tv.of_type("AWS::EC2::SecurityGroup").items():
        name = tv.name(k)
        out = sorted(([e["IpProtocol"], e.get("FromPort"), e.get("ToPort"),
                       tv.v(e.get("CidrIp") or e.get("DestinationSecurityGroupId"))]
                      for e in p.get("SecurityGroupEgress", [])), key=str) \
            or [["-1", None, None, "0.0.0.0/0"]]
        ck.eq(out, engine.get("security_groups", {}).get(name, {}).get("out"),
              "template: %s's egress rules" % name)
    svc = tv.v(tv.props("Service"))
    net = svc.get("NetworkConfiguration", {}).get("AwsvpcConfiguration", {})
    want = (engine.get("service") or [{}])[0]
    ck.eq({"subnets": sorted(net.get("Subnets", [])), "groups": sorted(net.get("SecurityGroups", [])),
           "public_ip": net.get("AssignPublicIp")}, want.get("network"), "template: the service's network")
    ck.eq([(lb["TargetGroupArn"], lb["ContainerName"], lb["ContainerPort"])
           for lb in svc.get("LoadBalancers", [])], want.get("load_balancers"),
          "template: the service's load balancer")
    td = tv.v(tv.props("TaskDefinition"))
    etd = engine.get("task_definition", {})
    ck.eq((td.get("Cpu"), td.get("Memory"), td.get("NetworkMode"), td.get("RequiresCompatibilities")),
          (etd.get("cpu"), etd.get("memory"), etd.get("network"), etd.get("compat")),
          "template: the task's cpu, memory, network mode, compatibility")
    ck.eq({k[0].lower() + k[1:]: v for k, v in td.get("RuntimePlatform", {}).items()}, etd.get("platform"),
          "template: the task's platform")
    ck.eq((td.get("TaskRoleArn"), td.get("ExecutionRoleArn")), etd.get("roles"), "template: the task's roles")
    ck.eq([(v["Name"], v["EFSVolumeConfiguration"]["FilesystemId"], v["EFSVolumeConfiguration"]["RootDirectory"])
           for v in td.get("Volumes", [])], [tuple(v) for v in etd.get("volumes", [])],
          "template: the task's EFS volume")
    b = tv.v(tv.props("Bastion"))
    nic = (b.get("NetworkInterfaces") or [{}])[0]
    eb = (engine.get("bastion") or [{}])[0]
    ck.eq((nic.get("SubnetId"), sorted(nic.get("GroupSet", [])), b.get("KeyName"),
           nic.get("AssociatePublicIpAddress")),
          (eb.get("subnet"), eb.get("groups"), eb.get("key"), eb.get("public_ip")),
          "template: the bastion's subnet, groups, key and public address")


def check_template_apigw(tv, engine):
    """Section 18 from the template (moto's CloudFormation cannot make it)."""
    links = [(tv.v(p["Name"]), sorted(tv.v(p["SubnetIds"])), sorted(tv.v(p["SecurityGroupIds"])), p.get("Tags"))
             for p in tv.of_type("AWS::ApiGatewayV2::VpcLink").values()]
    ck.eq(links, engine.get("vpc_links"), "template: the VPC link")
    api = (engine.get("apis") or [{}])[0]
    apis = list(tv.of_type("AWS::ApiGatewayV2::Api").values())
    ck.eq([(p["Name"], p["ProtocolType"], p.get("Tags")) for p in apis],
          [(api.get("name"), api.get("protocol"), api.get("tags"))], "template: the API")
    ck.eq([(p["IntegrationType"], p.get("IntegrationMethod"), p.get("ConnectionType"), tv.v(p.get("ConnectionId")),
            tv.v(p.get("IntegrationUri")), p.get("PayloadFormatVersion"))
           for p in tv.of_type("AWS::ApiGatewayV2::Integration").values()],
          api.get("integrations"), "template: the integration")
    ck.eq([(p["RouteKey"], tv.v(p["Target"])) for p in tv.of_type("AWS::ApiGatewayV2::Route").values()],
          api.get("routes"), "template: the route")
    ck.eq([(p["StageName"], p.get("AutoDeploy"), p.get("Tags"))
           for p in tv.of_type("AWS::ApiGatewayV2::Stage").values()],
          api.get("stages"), "template: the stage")


def ci(d, key):
    """d[key] whatever the case of its first letter: moto's CloudFormation
    keeps some properties in CloudFormation's spelling."""
    if key in d:
        return d[key]
    return d.get(key[0].upper() + key[1:])


def compare(what, got, want, skip=()):
    for k in sorted(set(want) | set(got)):
        if k in skip:
            continue
        ck.eq(got.get(k), want.get(k), "%s: %s" % (what, k))


def start_warm(moto, tmp):
    sock = os.path.join(tmp, "aws.sock")
    env = aws_env(moto)
    proc = subprocess.Popen([sys.executable, os.path.join(HERE, "awscli_warm.py"), "--serve", sock],
                            env=env)
    for _ in range(600):
        if os.path.exists(sock):
            return proc, sock
        time.sleep(0.1)
    raise RuntimeError("the warm AWS CLI did not start")


def run_script(moto, tmp, script):
    env = aws_env(moto)
    workdir = os.path.join(tmp, "script-run")
    os.makedirs(workdir)
    warm = None
    if os.environ.get("ECSW_EXPORT_REAL_AWS") == "1":
        cmd = ["bash", script]
    else:
        warm, sock = start_warm(moto, tmp)
        env["ECSW_AWS_WARM"] = "%s %s %s" % (sys.executable, os.path.join(HERE, "awscli_warm.py"), sock)
        cmd = ["bash", "-c", 'aws() { $ECSW_AWS_WARM "$@"; }; export -f aws; exec bash "$0"', script]
    try:
        t0 = time.time()
        p = subprocess.run(cmd, env=env, cwd=workdir, capture_output=True, text=True, timeout=1800)
        print("script: %.0f s" % (time.time() - t0))
    finally:
        if warm:
            warm.kill()
            warm.wait()
    ck.eq(p.returncode, 0, "the aws-cli script succeeds (stderr: %s)" % p.stderr[-1500:])
    key = os.path.join(workdir, NAME + "-key.pem")
    ck.check(os.path.exists(key) and (os.stat(key).st_mode & 0o077) == 0 and
             open(key).read().startswith("-----BEGIN"), "the script saves the private key, mode 0600")
    return p


def main():
    tmp = tempfile.mkdtemp(prefix="ecsw-export-")
    motos = []
    try:
        lic = os.path.join(tmp, "license.json")
        E.write_json(lic, {"license": "test"})
        spec = {"name": NAME, "admin_cidr": "198.51.100.0/24", "license_file": lic,
                "push_image": False, "vpc_cidr": "10.20.0.0/16", "instance_type": "m5.large",
                "root_volume_gib": 64, "task_cpu": 2048, "task_memory": 8192,
                "health_check_path": "/ready", "desired_tasks": 2, "asg_max": 2, "asg_desired": 2,
                "api_gateway": True}
        spec_path = os.path.join(tmp, "spec.json")
        E.write_json(spec_path, spec)
        env = E.wizard_env()
        for k in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"):
            env.pop(k)

        # Bad input: one line, exit 2, nothing written.
        for args, word in ((["--format", "yaml"], "yaml"), ([], "--format"),
                           (["--format", "aws-cli", "--output", tmp + "/x.sh", "--bogus"], "--bogus")):
            p = subprocess.run([E.BIN, "export", "--spec", spec_path] + args, env=env,
                               capture_output=True, text=True, timeout=30)
            ck.eq(p.returncode, 2, "export %s: exit status" % " ".join(args))
            ck.check(word in p.stderr and p.stderr.count("\n") == 1, "export %s: one line naming %s: %r"
                     % (" ".join(args), word, p.stderr))
        bad = dict(spec, vpc_cidr="10.0.0.0/33")
        E.write_json(os.path.join(tmp, "bad.json"), bad)
        p = subprocess.run([E.BIN, "export", "--spec", os.path.join(tmp, "bad.json"), "--format",
                            "cloudformation", "--output", tmp + "/bad.template"], env=env,
                           capture_output=True, text=True, timeout=30)
        ck.eq(p.returncode, 2, "export with a bad spec: exit status")
        ck.check("vpc_cidr" in p.stderr, "export with a bad spec names the key: " + p.stderr)
        ck.check(not os.path.exists(tmp + "/bad.template"), "nothing written for a bad spec")
        p = subprocess.run([E.BIN, "plan", "--spec", spec_path, "--output", tmp + "/plan.out"],
                           env=env, capture_output=True, text=True, timeout=30)
        ck.eq(p.returncode, 2, "plan refuses --output FILE")

        # The two exports, without credentials (nothing is sent).
        template = os.path.join(tmp, "stack.json")
        script = os.path.join(tmp, "deploy.sh")
        for fmt, out in (("cloudformation", template), ("aws-cli", script)):
            p = subprocess.run([E.BIN, "export", "--spec", spec_path, "--format", fmt, "--output", out],
                               env=env, capture_output=True, text=True, timeout=30)
            ck.eq(p.returncode, 0, "export --format %s (stderr: %s)" % (fmt, p.stderr))
        p = subprocess.run([E.BIN, "export", "--spec", spec_path, "--format", "aws-cli"],
                           env=env, capture_output=True, text=True, timeout=30)
        ck.eq(p.stdout, open(script).read() if os.path.exists(script) else None,
              "without --output the script goes to standard output")
        ck.check(os.access(script, os.X_OK), "the script is executable")
        ck.eq(subprocess.run(["bash", "-n", script]).returncode, 0, "the script is valid bash")
        tpl = json.load(open(template))

        # (a) cfn-lint.
        lint = shutil.which("cfn-lint") or "/root/.pyenv/shims/cfn-lint"
        if os.path.exists(lint):
            p = subprocess.run([lint, template], capture_output=True, text=True, timeout=600)
            ck.eq(p.returncode, 0, "cfn-lint passes (output: %s)" % p.stdout[-2000:])
        else:
            ck.check(False, "cfn-lint is installed")
        params = tpl.get("Parameters", {})
        for pname, want in (("VpcCidr", "10.20.0.0/16"), ("InstanceType", "m5.large"),
                            ("RootVolumeGiB", 64), ("TaskCpu", "2048"), ("TaskMemory", "8192"),
                            ("HealthCheckPath", "/ready"), ("DesiredTasks", 2),
                            ("AdminCidr", "198.51.100.0/24"), ("AsgMaxSize", 2)):
            ck.eq(params.get(pname, {}).get("Default"), want, "template parameter " + pname)
        outs = tpl.get("Outputs", {})
        ck.eq(outs.get("LoadBalancerDNSName", {}).get("Value"),
              {"Fn::GetAtt": ["LoadBalancer", "DNSName"]}, "output: the load balancer's DNS name")
        ck.check("ClusterName" in outs and "ServiceName" in outs, "outputs: cluster and service")
        ck.eq(outs.get("ApiApiEndpoint", {}).get("Value"), {"Fn::GetAtt": ["Api", "ApiEndpoint"]},
              "output: the API's invoke URL")
        for_moto = os.path.join(tmp, "stack-moto.json")
        cut = dict(tpl, Resources={k: v for k, v in tpl["Resources"].items()
                                   if not v["Type"].startswith(MOTO_CFN_MISSING)},
                   Outputs={k: v for k, v in outs.items() if not k.startswith("Api")})
        ck.eq(len(tpl["Resources"]) - len(cut["Resources"]), 5, "the template has the five API Gateway resources")
        E.write_json(for_moto, cut)

        # Three fresh motos: the engine, the stack, the script.
        for _ in range(3):
            motos.append(E.Moto())
        engine_m, cfn_m, cli_m = motos

        state = os.path.join(tmp, "state")
        p = subprocess.run(E.deploy_cmd(engine_m, spec_path, state), env=E.wizard_env(),
                           capture_output=True, text=True, timeout=600)
        ck.eq(p.returncode, 0, "engine deploy (stderr: %s)" % p.stderr[-1500:])
        engine = Snapshot(engine_m).take()

        # (b) create-stack with the AWS CLI.
        p = subprocess.run(["aws", "cloudformation", "create-stack", "--stack-name", NAME,
                            "--template-body", "file://" + for_moto,
                            "--capabilities", "CAPABILITY_NAMED_IAM",
                            "--endpoint-url", cfn_m.url],
                           env=aws_env(cfn_m), capture_output=True, text=True, timeout=300)
        ck.eq(p.returncode, 0, "create-stack (stderr: %s)" % p.stderr[-1500:])
        cfn = cfn_m.client("cloudformation")
        cfn.get_waiter("stack_create_complete").wait(StackName=NAME,
                                                     WaiterConfig={"Delay": 1, "MaxAttempts": 300})
        stack = cfn.describe_stacks(StackName=NAME)["Stacks"][0]
        ck.eq(stack["StackStatus"], "CREATE_COMPLETE", "the stack is created")
        souts = {o["OutputKey"]: o["OutputValue"] for o in stack.get("Outputs", [])}
        lb = engine_m.client("elbv2").describe_load_balancers(Names=[NAME + "-lb"])["LoadBalancers"][0]
        ck.eq(souts.get("LoadBalancerDNSName", "").split(".", 1)[-1], lb["DNSName"].split(".", 1)[-1],
              "stack output: a load balancer DNS name like the engine's")
        ck.eq(souts.get("ClusterName"), NAME + "-cluster", "stack output: the cluster")
        stacked = Snapshot(cfn_m).take()
        # moto's CloudFormation leaves out (or keeps in a shape of its own)
        # these properties: compared from the template instead.
        gaps = ("bastion", "key_pairs", "cluster_capacity", "launch_template", "route_tables",
                "user_policies", "role ecsInstanceRole", "role ecsTaskExecutionRole", "service",
                "task_definition", "subnets", "security_groups", "vpc", "vpc_links", "apis")
        compare("stack", stacked, engine, skip=gaps)
        compare("stack launch template", stacked.get("launch_template", {}),
                engine.get("launch_template", {}), skip=("key",))
        for k in ("description", "in"):
            ck.eq({n: g.get(k) for n, g in stacked.get("security_groups", {}).items()},
                  {n: g.get(k) for n, g in engine.get("security_groups", {}).items()},
                  "stack: security groups' " + k)
        ck.eq({n: v[:2] for n, v in stacked.get("subnets", {}).items()},
              {n: v[:2] for n, v in engine.get("subnets", {}).items()}, "stack: subnets' ranges and zones")
        for k in ("cidr", "tags"):
            ck.eq(stacked.get("vpc", {}).get(k), engine.get("vpc", {}).get(k), "stack: vpc " + k)
        for role in ("ecsInstanceRole", "ecsTaskExecutionRole"):
            ck.eq(stacked.get("role " + role, {}).get("trust"), engine.get("role " + role, {}).get("trust"),
                  "stack: %s's trust policy" % role)
        std, etd = stacked.get("task_definition", {}), engine.get("task_definition", {})
        for k in ("family", "memory", "container"):
            ck.eq(std.get(k), etd.get(k), "stack: task definition " + k)
        ck.eq([(s.get("desired"), s.get("task")) for s in stacked.get("service", [])],
              [(s.get("desired"), s.get("task")) for s in engine.get("service", [])],
              "stack: the service's task count and definition")
        ck.eq([(b["type"], b["image"]) for b in stacked.get("bastion", [])],
              [(b["type"], b["image"]) for b in engine.get("bastion", [])], "stack: bastion type and image")
        check_template_gaps(TemplateView(tpl), engine)
        check_template_apigw(TemplateView(tpl), engine)
        ck.eq(len(engine.get("vpc_links", [])) + len((engine.get("apis") or [{}])[0].get("stages", [])), 2,
              "the engine made the VPC link and the API's stage")
        res = tpl["Resources"]
        skipped = {k: v for k, v in res.items() if v["Type"] in MOTO_CFN_SKIPS}
        ck.eq(sorted(v["Type"] for v in skipped.values()), sorted(MOTO_CFN_SKIPS),
              "the template has the resources moto cannot create")
        ck.eq(res.get("Keypair", {}).get("Properties", {}).get("KeyName"), engine.get("key_pairs", [None])[0],
              "template: the key pair's name")
        ck.eq(res.get("Bastion", {}).get("Properties", {}).get("NetworkInterfaces"),
              [{"DeviceIndex": "0", "SubnetId": {"Ref": "SubnetPublic1"}, "AssociatePublicIpAddress": True,
                "DeleteOnTermination": True, "GroupSet": [{"Fn::GetAtt": ["SgBastion", "GroupId"]}]}],
              "template: the bastion in the first public subnet with a public address")
        cap = engine.get("cluster_capacity", [(None, [])])[0]
        ccp = res.get("ClusterCapacityProviders", {}).get("Properties", {})
        ck.eq([s.get("Weight") for s in ccp.get("DefaultCapacityProviderStrategy", [])],
              [s[1] for s in cap[1]], "template: the cluster's default strategy weights")
        ck.eq(res.get("CapacityProvider", {}).get("Properties", {}).get("Name"),
              (cap[0] or [None])[0], "template: the capacity provider's name")

        # (c) the aws-cli script.
        run_script(cli_m, tmp, script)
        scripted = Snapshot(cli_m).take()
        compare("script", scripted, engine)
        ck.check(len(engine) > 25, "the description covers the deployment (%d parts)" % len(engine))
    finally:
        for m in motos:
            m.stop()
        shutil.rmtree(tmp, ignore_errors=True)
    ck.finish()


main()
