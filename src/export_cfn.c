/* export_cfn.c - the plan as a CloudFormation template (JSON).
 *
 * Generic over the plan: each AWS action's operation maps, through the
 * table below, to a resource type whose properties are the action's input
 * with CloudFormation's spelling (PascalCase keys, Tags lists), plus a few
 * per-type shape fixes where CloudFormation differs from the API. Actions
 * that change an earlier resource (ModifyVpcAttribute, AttachRolePolicy,
 * PutRetentionPolicy, ...) fold into that resource's properties.
 * References become Ref / Fn::GetAtt (Fn::Join inside longer strings);
 * lookups become pseudo parameters (account), Fn::GetAZs (zones) and SSM
 * parameter types (AMIs); the spec's values become Parameters with the
 * spec's values as defaults; endpoints become Outputs; local actions are
 * listed in the template's Metadata. */
#include "config.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <strings.h>

#include "export.h"
#include "jpath.h"

struct cfn_gen;
typedef void (*cfn_fix_fn)(struct cfn_gen *g, const struct plan_action *a, cJSON *props);
typedef void (*cfn_fold_fn)(struct cfn_gen *g, const struct plan_action *a,
			    cJSON *target, cJSON *props);

struct cfn_map {
	const char *op;       /* "service:Operation" */
	const char *type;     /* resource type; NULL: folds into fold_target's resource */
	const char *id_attr;  /* Fn::GetAtt attribute for ${KEY.id}; NULL: Ref */
	const char *arn_attr; /* Fn::GetAtt attribute for ${KEY.arn}; NULL: Ref */
	const char *drop;     /* ",Input," the API takes and CloudFormation has no property for */
	const char *rename;   /* ",From=To," property renames after casing */
	const char *strings;  /* ",Prop," numbers CloudFormation wants as strings */
	cfn_fix_fn fix;       /* other shape differences, may be NULL */
	const char *fold_target; /* folding: the (cased) property naming the resource */
	cfn_fold_fn fold;
	const char *outputs;  /* ",Suffix=Attr," (Attr "Ref": the Ref value) */
};

struct cfn_gen {
	const struct plan *p;
	const struct spec *s;
	cJSON *resources;  /* Resources (borrowed from root) */
	cJSON *parameters; /* Parameters (borrowed from root) */
	cJSON *folded;     /* {folded action key: target action key} */
	cJSON *no_default_egress; /* {security group key: true} */
	int bad;           /* an unsupported plan: err says why */
	struct aws_error *err;
};

static int in_list(const char *list, const char *word)
{
	size_t n = strlen(word);

	for (const char *s = list ? strstr(list, word) : NULL; s; s = strstr(s + 1, word))
		if (s > list && s[-1] == ',' && s[n] == ',')
			return 1;
	return 0;
}

/* ---- per-type shape fixes ---- */

static void fix_rule(cJSON *props, const char *peer_prop)
{
	cJSON *perms = cJSON_DetachItemFromObject(props, "IpPermissions");
	cJSON *perm = cJSON_GetArrayItem(perms, 0);
	cJSON *range = cJSON_GetArrayItem(cJSON_GetObjectItem(perm, "IpRanges"), 0);
	cJSON *pair = cJSON_GetArrayItem(cJSON_GetObjectItem(perm, "UserIdGroupPairs"), 0);
	const char *fields[] = { "IpProtocol", "FromPort", "ToPort" };

	for (size_t i = 0; i < 3; i++)
		if (cJSON_GetObjectItem(perm, fields[i]))
			cJSON_AddItemToObject(props, fields[i],
					      cJSON_DetachItemFromObject(perm, fields[i]));
	if (range) {
		cJSON_AddItemToObject(props, "CidrIp", cJSON_DetachItemFromObject(range, "CidrIp"));
		if (cJSON_GetObjectItem(range, "Description"))
			cJSON_AddItemToObject(props, "Description",
					      cJSON_DetachItemFromObject(range, "Description"));
	}
	if (pair) {
		cJSON_AddItemToObject(props, peer_prop,
				      cJSON_DetachItemFromObject(pair, "GroupId"));
		if (cJSON_GetObjectItem(pair, "Description"))
			cJSON_AddItemToObject(props, "Description",
					      cJSON_DetachItemFromObject(pair, "Description"));
	}
	cJSON_Delete(perms);
}

static void fix_ingress(struct cfn_gen *g, const struct plan_action *a, cJSON *props)
{
	(void)g;
	(void)a;
	fix_rule(props, "SourceSecurityGroupId");
}

static void fix_egress(struct cfn_gen *g, const struct plan_action *a, cJSON *props)
{
	(void)g;
	(void)a;
	/* An egress rule's CidrIp is its destination. */
	fix_rule(props, "DestinationSecurityGroupId");
}

static cJSON *cfn_string(struct cfn_gen *g, const char *s);

static void fix_asg(struct cfn_gen *g, const struct plan_action *a, cJSON *props)
{
	cJSON *lt = cJSON_GetObjectItem(props, "LaunchTemplate");
	cJSON *ref = cJSON_GetObjectItem(cJSON_GetObjectItem(lt, "LaunchTemplateId"), "Ref");
	const cJSON *zones = cJSON_GetObjectItem(a->params, "VPCZoneIdentifier");

	/* "$Latest" is the API's; CloudFormation wants the number. */
	if (cJSON_IsString(ref)) {
		cJSON *ga = cJSON_CreateObject();
		cJSON *args = cJSON_AddArrayToObject(ga, "Fn::GetAtt");
		cJSON_AddItemToArray(args, cJSON_CreateString(ref->valuestring));
		cJSON_AddItemToArray(args, cJSON_CreateString("LatestVersionNumber"));
		cJSON_DeleteItemFromObject(lt, "Version");
		cJSON_AddItemToObject(lt, "Version", ga);
	}
	/* The API's comma-separated subnets are a list here. */
	if (cJSON_IsString(zones)) {
		cJSON *list = cJSON_CreateArray();
		char *copy = strdup(zones->valuestring), *save = NULL;
		for (char *t = copy ? strtok_r(copy, ",", &save) : NULL; t;
		     t = strtok_r(NULL, ",", &save))
			cJSON_AddItemToArray(list, cfn_string(g, t));
		free(copy);
		cJSON_DeleteItemFromObject(props, "VPCZoneIdentifier");
		cJSON_AddItemToObject(props, "VPCZoneIdentifier", list);
	}
}

static void fix_instance(struct cfn_gen *g, const struct plan_action *a, cJSON *props)
{
	cJSON *nic;

	(void)g;
	(void)a;
	cJSON_ArrayForEach(nic, cJSON_GetObjectItem(props, "NetworkInterfaces")) {
		cJSON *idx = cJSON_GetObjectItem(nic, "DeviceIndex");
		cJSON *groups = cJSON_DetachItemFromObject(nic, "Groups");
		if (cJSON_IsNumber(idx)) {
			char num[16];
			snprintf(num, sizeof num, "%d", idx->valueint);
			cJSON_ReplaceItemInObject(nic, "DeviceIndex", cJSON_CreateString(num));
		}
		if (groups)
			cJSON_AddItemToObject(nic, "GroupSet", groups);
	}
}

static void rename_key(cJSON *obj, const char *from, const char *to)
{
	cJSON *v = cJSON_DetachItemFromObject(obj, from);

	if (v)
		cJSON_AddItemToObject(obj, to, v);
}

static void fix_task_definition(struct cfn_gen *g, const struct plan_action *a, cJSON *props)
{
	cJSON *vol;

	(void)g;
	(void)a;
	cJSON_ArrayForEach(vol, cJSON_GetObjectItem(props, "Volumes")) {
		rename_key(vol, "EfsVolumeConfiguration", "EFSVolumeConfiguration");
		rename_key(cJSON_GetObjectItem(vol, "EFSVolumeConfiguration"), "FileSystemId",
			   "FilesystemId");
	}
}

/* ---- folding configure actions into their resource ---- */

/* {"Attr": {"Value": v}} -> Attr: v (ModifyVpcAttribute, ModifySubnetAttribute). */
static void fold_value(struct cfn_gen *g, const struct plan_action *a, cJSON *target,
		       cJSON *props)
{
	cJSON *c;

	(void)g;
	(void)a;
	cJSON_ArrayForEach(c, props) {
		cJSON *v = cJSON_GetObjectItem(c, "Value");
		if (v) {
			cJSON_DeleteItemFromObject(target, c->string);
			cJSON_AddItemToObject(target, c->string, cJSON_Duplicate(v, 1));
		}
	}
}

static void append_to(cJSON *target, const char *list, cJSON *v)
{
	cJSON *arr = cJSON_GetObjectItem(target, list);

	if (!arr)
		arr = cJSON_AddArrayToObject(target, list);
	cJSON_AddItemToArray(arr, v);
}

static void fold_policy_arn(struct cfn_gen *g, const struct plan_action *a,
			    cJSON *target, cJSON *props)
{
	(void)g;
	(void)a;
	append_to(target, "ManagedPolicyArns",
		  cJSON_DetachItemFromObject(props, "PolicyArn"));
}

static void fold_profile_role(struct cfn_gen *g, const struct plan_action *a,
			      cJSON *target, cJSON *props)
{
	(void)g;
	(void)a;
	append_to(target, "Roles", cJSON_DetachItemFromObject(props, "RoleName"));
}

/* Every other input becomes a property (PutRetentionPolicy). */
static void fold_set(struct cfn_gen *g, const struct plan_action *a, cJSON *target,
		     cJSON *props)
{
	cJSON *c;

	(void)g;
	(void)a;
	while ((c = props->child)) {
		cJSON_DetachItemViaPointer(props, c);
		cJSON_DeleteItemFromObject(target, c->string);
		cJSON_AddItemToObject(target, c->string, c);
	}
}

/* Revoking the default egress rule: in CloudFormation a group with
 * SecurityGroupEgress has no default rule, so the group's later egress
 * rules go inline (fold_egress). */
static void fold_revoke_egress(struct cfn_gen *g, const struct plan_action *a,
			       cJSON *target, cJSON *props)
{
	const char *group = cJSON_GetObjectItem(g->folded, a->key)->valuestring;

	(void)props;
	cJSON_AddBoolToObject(g->no_default_egress, group, 1);
	if (!cJSON_GetObjectItem(target, "SecurityGroupEgress"))
		cJSON_AddArrayToObject(target, "SecurityGroupEgress");
}

static void fold_egress(struct cfn_gen *g, const struct plan_action *a, cJSON *target,
			cJSON *props)
{
	(void)g;
	(void)a;
	fix_rule(props, "DestinationSecurityGroupId");
	cJSON_DeleteItemFromObject(props, "GroupId");
	append_to(target, "SecurityGroupEgress", cJSON_Duplicate(props, 1));
}

static const struct cfn_map cfn_maps[] = {
	{ "ec2:CreateVpc", "AWS::EC2::VPC", NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
	  ",VpcId=Ref," },
	{ "ec2:ModifyVpcAttribute", NULL, NULL, NULL, NULL, NULL, NULL, NULL, "VpcId",
	  fold_value, NULL },
	{ "ec2:CreateSubnet", "AWS::EC2::Subnet", NULL, NULL, NULL, NULL, NULL, NULL, NULL,
	  NULL, NULL },
	{ "ec2:ModifySubnetAttribute", NULL, NULL, NULL, NULL, NULL, NULL, NULL, "SubnetId",
	  fold_value, NULL },
	{ "ec2:CreateInternetGateway", "AWS::EC2::InternetGateway", NULL, NULL, NULL, NULL,
	  NULL, NULL, NULL, NULL, NULL },
	{ "ec2:AttachInternetGateway", "AWS::EC2::VPCGatewayAttachment", NULL, NULL, NULL,
	  NULL, NULL, NULL, NULL, NULL, NULL },
	{ "ec2:CreateRouteTable", "AWS::EC2::RouteTable", NULL, NULL, ",ClientToken,", NULL,
	  NULL, NULL, NULL, NULL, NULL },
	{ "ec2:CreateRoute", "AWS::EC2::Route", NULL, NULL, NULL, NULL, NULL, NULL, NULL,
	  NULL, NULL },
	{ "ec2:AssociateRouteTable", "AWS::EC2::SubnetRouteTableAssociation", NULL, NULL,
	  NULL, NULL, NULL, NULL, NULL, NULL, NULL },
	{ "iam:CreatePolicy", "AWS::IAM::ManagedPolicy", NULL, NULL, ",Tags,",
	  ",PolicyName=ManagedPolicyName,", NULL, NULL, NULL, NULL, NULL },
	{ "iam:CreateUser", "AWS::IAM::User", NULL, "Arn", NULL, NULL, NULL, NULL, NULL,
	  NULL, NULL },
	{ "iam:AttachUserPolicy", NULL, NULL, NULL, NULL, NULL, NULL, NULL, "UserName",
	  fold_policy_arn, NULL },
	{ "ec2:CreateKeyPair", "AWS::EC2::KeyPair", NULL, NULL, NULL, NULL, NULL, NULL,
	  NULL, NULL, NULL },
	{ "ec2:ImportKeyPair", "AWS::EC2::KeyPair", NULL, NULL, NULL, NULL, NULL, NULL,
	  NULL, NULL, NULL },
	{ "ecr:CreateRepository", "AWS::ECR::Repository", NULL, "Arn", NULL, NULL, NULL,
	  NULL, NULL, NULL, ",RepositoryUri=RepositoryUri," },
	{ "ec2:CreateSecurityGroup", "AWS::EC2::SecurityGroup", "GroupId", NULL, NULL,
	  ",Description=GroupDescription,", NULL, NULL, NULL, NULL, NULL },
	{ "ec2:AuthorizeSecurityGroupIngress", "AWS::EC2::SecurityGroupIngress", NULL, NULL,
	  NULL, NULL, NULL, fix_ingress, NULL, NULL, NULL },
	{ "ec2:RevokeSecurityGroupEgress", NULL, NULL, NULL, NULL, NULL, NULL, NULL,
	  "GroupId", fold_revoke_egress, NULL },
	{ "ec2:AuthorizeSecurityGroupEgress", "AWS::EC2::SecurityGroupEgress", NULL, NULL,
	  NULL, NULL, NULL, fix_egress, "GroupId", fold_egress, NULL },
	{ "efs:CreateFileSystem", "AWS::EFS::FileSystem", NULL, "Arn", ",CreationToken,",
	  ",Tags=FileSystemTags,", NULL, NULL, NULL, NULL, ",FileSystemId=Ref," },
	{ "efs:CreateMountTarget", "AWS::EFS::MountTarget", NULL, NULL, NULL, NULL, NULL,
	  NULL, NULL, NULL, NULL },
	{ "iam:CreateRole", "AWS::IAM::Role", NULL, "Arn", NULL, NULL, NULL, NULL, NULL,
	  NULL, NULL },
	{ "iam:AttachRolePolicy", NULL, NULL, NULL, NULL, NULL, NULL, NULL, "RoleName",
	  fold_policy_arn, NULL },
	{ "iam:CreateInstanceProfile", "AWS::IAM::InstanceProfile", NULL, "Arn", ",Tags,",
	  NULL, NULL, NULL, NULL, NULL, NULL },
	{ "iam:AddRoleToInstanceProfile", NULL, NULL, NULL, NULL, NULL, NULL, NULL,
	  "InstanceProfileName", fold_profile_role, NULL },
	{ "ec2:CreateLaunchTemplate", "AWS::EC2::LaunchTemplate", NULL, NULL,
	  ",ClientToken,", NULL, NULL, NULL, NULL, NULL, NULL },
	{ "elbv2:CreateTargetGroup", "AWS::ElasticLoadBalancingV2::TargetGroup", NULL, NULL,
	  NULL, NULL, NULL, NULL, NULL, NULL, NULL },
	{ "elbv2:CreateLoadBalancer", "AWS::ElasticLoadBalancingV2::LoadBalancer", NULL,
	  NULL, NULL, NULL, NULL, NULL, NULL, NULL, ",DNSName=DNSName," },
	{ "elbv2:CreateListener", "AWS::ElasticLoadBalancingV2::Listener", NULL, NULL,
	  ",Tags,", NULL, NULL, NULL, NULL, NULL, NULL },
	{ "autoscaling:CreateAutoScalingGroup", "AWS::AutoScaling::AutoScalingGroup", NULL,
	  NULL, NULL, NULL, ",MinSize,MaxSize,DesiredCapacity,", fix_asg, NULL, NULL, NULL },
	{ "ec2:AllocateAddress", "AWS::EC2::EIP", "AllocationId", NULL, NULL, NULL, NULL,
	  NULL, NULL, NULL, NULL },
	{ "ec2:CreateNatGateway", "AWS::EC2::NatGateway", NULL, NULL, ",ClientToken,", NULL,
	  NULL, NULL, NULL, NULL, NULL },
	{ "ecs:CreateCluster", "AWS::ECS::Cluster", NULL, "Arn", NULL, NULL, NULL, NULL,
	  NULL, NULL, ",Name=Ref," },
	{ "ecs:CreateCapacityProvider", "AWS::ECS::CapacityProvider", NULL, NULL, NULL, NULL,
	  NULL, NULL, NULL, NULL, NULL },
	{ "ecs:PutClusterCapacityProviders", "AWS::ECS::ClusterCapacityProviderAssociations",
	  NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL },
	{ "ec2:RunInstances", "AWS::EC2::Instance", NULL, NULL,
	  ",MinCount,MaxCount,ClientToken,", NULL, NULL, fix_instance, NULL, NULL,
	  ",PublicIp=PublicIp," },
	{ "logs:CreateLogGroup", "AWS::Logs::LogGroup", NULL, "Arn", NULL, NULL, NULL, NULL,
	  NULL, NULL, NULL },
	{ "logs:PutRetentionPolicy", NULL, NULL, NULL, NULL, NULL, NULL, NULL,
	  "LogGroupName", fold_set, NULL },
	{ "ecs:RegisterTaskDefinition", "AWS::ECS::TaskDefinition", NULL, NULL, NULL, NULL,
	  NULL, fix_task_definition, NULL, NULL, NULL },
	{ "ecs:CreateService", "AWS::ECS::Service", NULL, NULL, NULL, NULL, NULL, NULL, NULL,
	  NULL, ",Arn=Ref,Name=Name," },
	{ "apigatewayv2:CreateVpcLink", "AWS::ApiGatewayV2::VpcLink", NULL, NULL, NULL, NULL,
	  NULL, NULL, NULL, NULL, NULL },
	{ "apigatewayv2:CreateApi", "AWS::ApiGatewayV2::Api", NULL, NULL, NULL, NULL, NULL,
	  NULL, NULL, NULL, ",ApiEndpoint=ApiEndpoint," },
	{ "apigatewayv2:CreateIntegration", "AWS::ApiGatewayV2::Integration", NULL, NULL,
	  NULL, NULL, NULL, NULL, NULL, NULL, NULL },
	{ "apigatewayv2:CreateRoute", "AWS::ApiGatewayV2::Route", NULL, NULL, NULL, NULL, NULL,
	  NULL, NULL, NULL, NULL },
	{ "apigatewayv2:CreateStage", "AWS::ApiGatewayV2::Stage", NULL, NULL, NULL, NULL, NULL,
	  NULL, NULL, NULL, NULL },
};

static const struct cfn_map *map_of(const struct plan_action *a)
{
	char op[160];

	snprintf(op, sizeof op, "%s:%s", a->service, a->operation);
	for (size_t i = 0; i < sizeof cfn_maps / sizeof cfn_maps[0]; i++)
		if (strcmp(cfn_maps[i].op, op) == 0)
			return &cfn_maps[i];
	return NULL;
}

static void fail(struct cfn_gen *g, const char *what, const char *detail)
{
	if (!g->bad)
		aws_error_set(g->err, AWS_ERR_INTERNAL, "NoCloudFormation",
			      "%s has no CloudFormation equivalent (%s)", what, detail);
	g->bad = 1;
}

static cJSON *ref_to(const char *logical)
{
	cJSON *o = cJSON_CreateObject();

	cJSON_AddStringToObject(o, "Ref", logical);
	return o;
}

static cJSON *getatt(const char *logical, const char *attr)
{
	cJSON *o = cJSON_CreateObject();
	cJSON *args = cJSON_AddArrayToObject(o, "Fn::GetAtt");

	cJSON_AddItemToArray(args, cJSON_CreateString(logical));
	cJSON_AddItemToArray(args, cJSON_CreateString(attr));
	return o;
}

/* ${key.path} as a CloudFormation expression; NULL (g->bad) when none. */
static cJSON *ref_expr(struct cfn_gen *g, const char *key, const char *path)
{
	const struct plan_action *a = plan_find(g->p, key);
	const struct cfn_map *m;
	const char *attr;
	char logical[160], op[160];
	int n;

	if (!a) {
		fail(g, key, "no such action");
		return NULL;
	}
	export_camel(key, logical, sizeof logical);
	snprintf(op, sizeof op, "%s:%s", a->service, a->operation);
	if (a->role == PLAN_LOOKUP) {
		if (strcmp(op, "sts:GetCallerIdentity") == 0 && strcmp(path, "Account") == 0)
			return ref_to("AWS::AccountId");
		if (strcmp(op, "ec2:DescribeAvailabilityZones") == 0 &&
		    sscanf(path, "AvailabilityZones[%d].ZoneName", &n) == 1) {
			cJSON *o = cJSON_CreateObject();
			cJSON *args = cJSON_AddArrayToObject(o, "Fn::Select");
			cJSON *azs = cJSON_CreateObject();
			cJSON_AddStringToObject(azs, "Fn::GetAZs", "");
			cJSON_AddItemToArray(args, cJSON_CreateNumber(n));
			cJSON_AddItemToArray(args, azs);
			return o;
		}
		if (strcmp(op, "ssm:GetParameter") == 0 && strcmp(path, "Parameter.Value") == 0)
			return ref_to(logical); /* an SSM parameter type, see add_lookup */
		fail(g, op, path);
		return NULL;
	}
	m = map_of(a);
	if (!m || !m->type || (strcmp(path, "id") != 0 && strcmp(path, "arn") != 0)) {
		fail(g, key, path);
		return NULL;
	}
	attr = strcmp(path, "id") == 0 ? m->id_attr : m->arn_attr;
	return attr ? getatt(logical, attr) : ref_to(logical);
}

/* A string with references: the reference itself when it is the whole
 * string, else Fn::Join of its parts. */
static cJSON *cfn_string(struct cfn_gen *g, const char *s)
{
	cJSON *parts = export_split_refs(s), *out = NULL, *list, *c;

	if (!parts)
		return NULL;
	if (cJSON_GetArraySize(parts) == 1 && cJSON_IsString(parts->child)) {
		out = cJSON_CreateString(s);
	} else if (cJSON_GetArraySize(parts) == 1) {
		out = ref_expr(g, cJSON_GetObjectItem(parts->child, "key")->valuestring,
			       cJSON_GetObjectItem(parts->child, "path")->valuestring);
	} else {
		cJSON *args;
		out = cJSON_CreateObject();
		args = cJSON_AddArrayToObject(out, "Fn::Join");
		cJSON_AddItemToArray(args, cJSON_CreateString(""));
		list = cJSON_CreateArray();
		cJSON_AddItemToArray(args, list);
		cJSON_ArrayForEach(c, parts) {
			cJSON *v = cJSON_IsString(c) ? cJSON_CreateString(c->valuestring) :
				   ref_expr(g, cJSON_GetObjectItem(c, "key")->valuestring,
					    cJSON_GetObjectItem(c, "path")->valuestring);
			if (v)
				cJSON_AddItemToArray(list, v);
		}
	}
	cJSON_Delete(parts);
	return out;
}

static int is_intrinsic(const cJSON *v)
{
	return cJSON_IsObject(v) && cJSON_GetArraySize(v) == 1 && v->child->string &&
	       (strcmp(v->child->string, "Ref") == 0 ||
		strncmp(v->child->string, "Fn::", 4) == 0);
}

/* The API input v in CloudFormation's spelling: keys in PascalCase (not
 * inside opaque values: policy documents, log options, tag maps),
 * wrappers as intrinsic functions, references resolved. */
static cJSON *convert(struct cfn_gen *g, const cJSON *v, int opaque)
{
	const cJSON *c;
	cJSON *out;

	if (cJSON_IsString(v))
		return cfn_string(g, v->valuestring);
	if (is_intrinsic(v))
		return cJSON_Duplicate(v, 1);
	if (cJSON_IsObject(v) && cJSON_GetArraySize(v) == 1 &&
	    strcmp(v->child->string, "$json") == 0)
		return convert(g, v->child, 1); /* a policy is an object here */
	if (cJSON_IsObject(v) && cJSON_GetArraySize(v) == 1 &&
	    strcmp(v->child->string, "$base64") == 0) {
		out = cJSON_CreateObject();
		cJSON_AddItemToObject(out, "Fn::Base64", convert(g, v->child, opaque));
		return out;
	}
	if (!cJSON_IsObject(v) && !cJSON_IsArray(v))
		return cJSON_Duplicate(v, 0);
	out = cJSON_IsArray(v) ? cJSON_CreateArray() : cJSON_CreateObject();
	cJSON_ArrayForEach(c, v) {
		int keep = opaque || (c->string && (strcmp(c->string, "options") == 0 ||
			   (strcasecmp(c->string, "tags") == 0 && cJSON_IsObject(c))));
		cJSON *item = convert(g, c, keep);
		char key[128];
		if (!item) {
			g->bad = 1;
			continue;
		}
		if (cJSON_IsArray(out)) {
			cJSON_AddItemToArray(out, item);
			continue;
		}
		snprintf(key, sizeof key, "%s", c->string);
		if (!opaque)
			key[0] = (char)toupper((unsigned char)key[0]);
		cJSON_AddItemToObject(out, key, item);
	}
	return out;
}

/* Tags as CloudFormation lists them: [{Key, Value}], but API Gateway V2's
 * resources take the API's map as it is. */
static void normalise_tags(cJSON *props, const char *type)
{
	cJSON *spec = cJSON_GetObjectItem(props, "TagSpecifications");
	cJSON *tags;

	if (strncmp(type, "AWS::ApiGatewayV2::", 19) == 0)
		return;
	if (spec && strcmp(type, "AWS::EC2::LaunchTemplate") != 0) {
		cJSON *t = cJSON_DetachItemFromObject(cJSON_GetArrayItem(spec, 0), "Tags");
		cJSON_DeleteItemFromObject(props, "TagSpecifications");
		if (t)
			cJSON_AddItemToObject(props, "Tags", t);
	}
	tags = cJSON_GetObjectItem(props, "Tags");
	if (cJSON_IsObject(tags)) {
		cJSON *list = cJSON_CreateArray(), *c;
		cJSON_ArrayForEach(c, tags) {
			cJSON *t = cJSON_CreateObject();
			cJSON_AddStringToObject(t, "Key", c->string);
			cJSON_AddItemToObject(t, "Value", cJSON_Duplicate(c, 1));
			cJSON_AddItemToArray(list, t);
		}
		cJSON_ReplaceItemInObject(props, "Tags", list);
	}
}

/* Leave out the inputs CloudFormation has no property for (before the
 * references in them are looked at: idempotency tokens). */
static void drop_inputs(const struct cfn_map *m, cJSON *params)
{
	cJSON *c, *next;

	for (c = params ? params->child : NULL; c; c = next) {
		char key[128];
		next = c->next;
		snprintf(key, sizeof key, "%s", c->string);
		key[0] = (char)toupper((unsigned char)key[0]);
		if (in_list(m->drop, key))
			cJSON_DeleteItemFromObject(params, c->string);
	}
}

/* CloudFormation encodes these itself (KeyPair's PublicKeyMaterial) or
 * wants them as text: the plan's {"$base64": text} becomes the text. */
static void text_not_base64(const struct plan_action *a, cJSON *params)
{
	cJSON *c;

	cJSON_ArrayForEach(c, params) {
		cJSON *inner = cJSON_GetObjectItemCaseSensitive(c, "$base64");
		if (!inner || !export_text_not_base64(a->service, a->operation, c->string) ||
		    strcmp(a->operation, "RunInstances") == 0)
			continue;
		cJSON_ReplaceItemInObject(params, c->string, cJSON_Duplicate(inner, 1));
		return;
	}
}

/* Apply rename and strings of m to the top-level properties. */
static void apply_map(const struct cfn_map *m, cJSON *props)
{
	cJSON *c, *next;

	for (c = props->child; c; c = next) {
		next = c->next;
		if (in_list(m->strings, c->string) && cJSON_IsNumber(c)) {
			char num[32];
			snprintf(num, sizeof num, "%d", c->valueint);
			cJSON_ReplaceItemInObject(props, c->string, cJSON_CreateString(num));
		}
	}
	for (const char *r = m->rename; r && (r = strchr(r, ',')) && r[1]; r++) {
		char from[64], to[64];
		if (sscanf(r + 1, "%63[^=]=%63[^,]", from, to) == 2)
			rename_key(props, from, to);
	}
}

/* ---- parameters: the spec's values ---- */

struct cfn_param {
	const char *op;    /* "service:Operation" */
	const char *path;  /* where in the input, dotted, numbers index lists */
	const char *name;  /* parameter; NULL: the action's logical id + "Cidr" */
	const char *match; /* only where the value is this one; NULL: always */
	const char *description;
};

static cJSON *walk_parent(cJSON *root, const char *path, char *last, size_t size)
{
	char buf[256], *save = NULL, *tok, *next;
	cJSON *cur = root;

	snprintf(buf, sizeof buf, "%s", path);
	tok = strtok_r(buf, ".", &save);
	while (tok && cur) {
		next = strtok_r(NULL, ".", &save);
		if (!next) {
			snprintf(last, size, "%s", tok);
			return cur;
		}
		cur = isdigit((unsigned char)*tok) ? cJSON_GetArrayItem(cur, atoi(tok)) :
						     cJSON_GetObjectItem(cur, tok);
		tok = next;
	}
	return NULL;
}

static void add_parameter(struct cfn_gen *g, const char *name, const cJSON *value,
			  const char *type, const char *description)
{
	cJSON *prm;

	if (cJSON_GetObjectItem(g->parameters, name))
		return;
	prm = cJSON_AddObjectToObject(g->parameters, name);
	cJSON_AddStringToObject(prm, "Type", type ? type :
				cJSON_IsNumber(value) ? "Number" : "String");
	cJSON_AddItemToObject(prm, "Default", cJSON_Duplicate(value, 0));
	cJSON_AddStringToObject(prm, "Description", description);
}

static void apply_parameters(struct cfn_gen *g, const struct plan_action *a, cJSON *params)
{
	const struct spec *s = g->s;
	const struct cfn_param table[] = {
		{ "ec2:CreateVpc", "CidrBlock", "VpcCidr", NULL,
		  "The VPC's IPv4 range (spec vpc_cidr); the subnets' ranges must lie inside it" },
		{ "ec2:CreateSubnet", "CidrBlock", NULL, NULL,
		  "This subnet's IPv4 range, a block of VpcCidr" },
		{ "ec2:AuthorizeSecurityGroupIngress", "IpPermissions.0.IpRanges.0.CidrIp",
		  "VpcCidr", s->vpc_cidr, NULL },
		{ "ec2:AuthorizeSecurityGroupIngress", "IpPermissions.0.IpRanges.0.CidrIp",
		  "AdminCidr", s->admin_cidr, "Who may SSH to the bastion (spec admin_cidr)" },
		{ "ec2:CreateLaunchTemplate", "LaunchTemplateData.InstanceType", "InstanceType",
		  NULL, "The ECS hosts' instance type (spec instance_type)" },
		{ "ec2:CreateLaunchTemplate",
		  "LaunchTemplateData.BlockDeviceMappings.0.Ebs.VolumeSize", "RootVolumeGiB",
		  NULL, "The ECS hosts' root volume in GiB (spec root_volume_gib)" },
		{ "elbv2:CreateTargetGroup", "HealthCheckPath", "HealthCheckPath", NULL,
		  "The load balancer's health check path (spec health_check_path)" },
		{ "autoscaling:CreateAutoScalingGroup", "MinSize", "AsgMinSize", NULL,
		  "Fewest ECS hosts (spec asg_min)" },
		{ "autoscaling:CreateAutoScalingGroup", "MaxSize", "AsgMaxSize", NULL,
		  "Most ECS hosts (spec asg_max)" },
		{ "autoscaling:CreateAutoScalingGroup", "DesiredCapacity", "AsgDesiredCapacity",
		  NULL, "ECS hosts to start with (spec asg_desired)" },
		{ "ec2:RunInstances", "InstanceType", "BastionInstanceType", NULL,
		  "The bastion's instance type" },
		{ "logs:PutRetentionPolicy", "retentionInDays", "LogRetentionDays", NULL,
		  "Days the container logs are kept" },
		{ "ecs:RegisterTaskDefinition", "cpu", "TaskCpu", NULL,
		  "The task's CPU units (spec task_cpu)" },
		{ "ecs:RegisterTaskDefinition", "memory", "TaskMemory", NULL,
		  "The task's memory in MiB (spec task_memory)" },
		{ "ecs:CreateService", "desiredCount", "DesiredTasks", NULL,
		  "Tasks the service keeps running (spec desired_tasks)" },
	};
	char op[160], last[64], name[160];

	snprintf(op, sizeof op, "%s:%s", a->service, a->operation);
	for (size_t i = 0; i < sizeof table / sizeof table[0]; i++) {
		const struct cfn_param *t = &table[i];
		cJSON *parent, *v;
		char *text;
		int match;
		if (strcmp(t->op, op) != 0)
			continue;
		parent = walk_parent(params, t->path, last, sizeof last);
		v = !parent ? NULL : isdigit((unsigned char)*last) ?
				     cJSON_GetArrayItem(parent, atoi(last)) :
				     cJSON_GetObjectItem(parent, last);
		if (!v || is_intrinsic(v) || export_has_ref(v))
			continue;
		text = t->match ? jpath_scalar_text(v) : NULL;
		match = !t->match || (text && strcmp(text, t->match) == 0);
		free(text);
		if (!match)
			continue;
		if (t->name) {
			snprintf(name, sizeof name, "%s", t->name);
		} else {
			export_camel(a->key, name, sizeof name);
			snprintf(name + strlen(name), sizeof name - strlen(name), "Cidr");
		}
		if (t->description)
			add_parameter(g, name, v, NULL, t->description);
		if (!cJSON_GetObjectItem(g->parameters, name))
			continue;
		if (cJSON_IsArray(parent))
			cJSON_ReplaceItemInArray(parent, atoi(last), ref_to(name));
		else
			cJSON_ReplaceItemInObject(parent, last, ref_to(name));
	}
}

/* ---- the template ---- */

static void note_refs(const cJSON *v, cJSON *seen)
{
	const cJSON *c;

	if (cJSON_IsObject(v) && v->child && v->child->string) {
		const cJSON *r = cJSON_GetObjectItem(v, "Ref");
		const cJSON *ga = cJSON_GetObjectItem(v, "Fn::GetAtt");
		if (cJSON_IsString(r) && !cJSON_GetObjectItem(seen, r->valuestring))
			cJSON_AddTrueToObject(seen, r->valuestring);
		if (ga && cJSON_IsString(ga->child) &&
		    !cJSON_GetObjectItem(seen, ga->child->valuestring))
			cJSON_AddTrueToObject(seen, ga->child->valuestring);
	}
	cJSON_ArrayForEach(c, v)
		note_refs(c, seen);
}

/* DependsOn for the plan's ordering needs that no reference expresses. */
static void add_depends(struct cfn_gen *g, const struct plan_action *a,
			const char *self, cJSON *resource)
{
	cJSON *seen = cJSON_CreateObject(), *list = cJSON_CreateArray();

	note_refs(cJSON_GetObjectItem(resource, "Properties"), seen);
	for (int i = 0; i < a->depend_count; i++) {
		const struct plan_action *d = plan_find(g->p, a->depends[i]);
		const cJSON *target = cJSON_GetObjectItem(g->folded, a->depends[i]);
		char logical[160];
		if (!d || d->role == PLAN_LOOKUP || d->role == PLAN_LOCAL)
			continue;
		if (target)
			snprintf(logical, sizeof logical, "%s", target->valuestring);
		else
			export_camel(d->key, logical, sizeof logical);
		if (strcmp(logical, self) == 0 || cJSON_GetObjectItem(seen, logical))
			continue;
		cJSON_AddTrueToObject(seen, logical);
		cJSON_AddItemToArray(list, cJSON_CreateString(logical));
	}
	if (cJSON_GetArraySize(list))
		cJSON_AddItemToObject(resource, "DependsOn", list);
	else
		cJSON_Delete(list);
	cJSON_Delete(seen);
}

static void add_outputs(cJSON *outputs, const struct cfn_map *m,
			const struct plan_action *a, const char *logical)
{
	for (const char *r = m->outputs; r && (r = strchr(r, ',')) && r[1]; r++) {
		char suffix[64], attr[64], name[256];
		cJSON *o;
		if (sscanf(r + 1, "%63[^=]=%63[^,]", suffix, attr) != 2)
			continue;
		snprintf(name, sizeof name, "%s%s", logical, suffix);
		o = cJSON_AddObjectToObject(outputs, name);
		cJSON_AddStringToObject(o, "Description", *a->name ? a->name : a->kind);
		cJSON_AddItemToObject(o, "Value", strcmp(attr, "Ref") == 0 ?
					  ref_to(logical) : getatt(logical, attr));
	}
}

/* Lookups: account and zones are intrinsic; an SSM parameter (the AMIs)
 * becomes a parameter CloudFormation resolves itself. */
static void add_lookup(struct cfn_gen *g, const struct plan_action *a)
{
	const cJSON *name = cJSON_GetObjectItem(a->params, "Name");
	char logical[160];

	if (strcmp(a->service, "ssm") != 0 || !cJSON_IsString(name))
		return;
	export_camel(a->key, logical, sizeof logical);
	add_parameter(g, logical, name, "AWS::SSM::Parameter::Value<AWS::EC2::Image::Id>",
		      "The AMI, read from this public SSM parameter");
}

/* Merge a configure action into the resource it changes; 0 when it is
 * not one to fold (it becomes its own resource). */
static int fold_action(struct cfn_gen *g, const struct plan_action *a,
		       const struct cfn_map *m, cJSON *props)
{
	cJSON *target = cJSON_GetObjectItem(props, m->fold_target);
	const cJSON *logical = cJSON_GetObjectItem(target, "Ref");
	cJSON *res;

	if (!m->fold)
		return 0;
	if (!logical) {
		const cJSON *ga = cJSON_GetObjectItem(target, "Fn::GetAtt");
		logical = ga ? ga->child : NULL;
	}
	if (!cJSON_IsString(logical) ||
	    !(res = cJSON_GetObjectItem(g->resources, logical->valuestring))) {
		fail(g, a->key, "its resource is not in the template");
		return 1;
	}
	/* An egress rule folds only into a group without its default rule. */
	if (m->type && !cJSON_GetObjectItem(g->no_default_egress, logical->valuestring))
		return 0;
	cJSON_AddStringToObject(g->folded, a->key, logical->valuestring);
	cJSON_DeleteItemFromObject(props, m->fold_target);
	m->fold(g, a, cJSON_GetObjectItem(res, "Properties"), props);
	return 1;
}

static void add_action(struct cfn_gen *g, const struct plan_action *a, cJSON *outputs,
		       cJSON *manual)
{
	const struct cfn_map *m;
	cJSON *params, *props, *res;
	char logical[160], line[512];

	if (a->role == PLAN_LOCAL) {
		snprintf(line, sizeof line, "%s: %s", a->key, export_local_hint(a));
		cJSON_AddItemToArray(manual, cJSON_CreateString(line));
		return;
	}
	if (a->role == PLAN_LOOKUP) {
		add_lookup(g, a);
		return;
	}
	m = map_of(a);
	if (!m) {
		fail(g, a->operation, a->key);
		return;
	}
	export_camel(a->key, logical, sizeof logical);
	params = cJSON_Duplicate(a->params, 1);
	drop_inputs(m, params);
	text_not_base64(a, params);
	apply_parameters(g, a, params);
	props = convert(g, params, 0);
	cJSON_Delete(params);
	if (!props) {
		g->bad = 1;
		return;
	}
	if (fold_action(g, a, m, props)) {
		cJSON_Delete(props);
		return;
	}
	apply_map(m, props);
	normalise_tags(props, m->type);
	if (m->fix)
		m->fix(g, a, props);
	res = cJSON_AddObjectToObject(g->resources, logical);
	cJSON_AddStringToObject(res, "Type", m->type);
	cJSON_AddItemToObject(res, "Properties", props);
	add_depends(g, a, logical, res);
	add_outputs(outputs, m, a, logical);
	if (a->secret_path) {
		snprintf(line, sizeof line, "%s: the private key is kept in SSM Parameter "
			 "Store as /ec2/keypair/<key pair id>", a->key);
		cJSON_AddItemToArray(manual, cJSON_CreateString(line));
	}
}

char *export_cloudformation(const struct plan *p, const struct spec *s,
			    struct aws_error *err)
{
	struct cfn_gen g = { .p = p, .s = s, .err = err };
	cJSON *root = cJSON_CreateObject(), *meta, *outputs, *manual;
	char desc[512];
	char *text = NULL;

	snprintf(desc, sizeof desc, "Private AI on ECS, deployment %s: the resources of "
		 "the guide's sections as ecs-wizard deploys them (generated by %s %s)",
		 s->name, PACKAGE, VERSION);
	cJSON_AddStringToObject(root, "AWSTemplateFormatVersion", "2010-09-09");
	cJSON_AddStringToObject(root, "Description", desc);
	meta = cJSON_AddObjectToObject(cJSON_AddObjectToObject(root, "Metadata"), "EcsWizard");
	cJSON_AddStringToObject(meta, "Deployment", s->name);
	cJSON_AddStringToObject(meta, "Region", s->region);
	manual = cJSON_AddArrayToObject(meta, "AfterTheStack");
	g.parameters = cJSON_AddObjectToObject(root, "Parameters");
	g.resources = cJSON_AddObjectToObject(root, "Resources");
	outputs = cJSON_AddObjectToObject(root, "Outputs");
	g.folded = cJSON_CreateObject();
	g.no_default_egress = cJSON_CreateObject();
	if (!g.resources || !outputs || !g.folded || !g.no_default_egress) {
		aws_error_set(err, AWS_ERR_NOMEM, "", "out of memory");
		goto out;
	}
	for (int i = 0; i < p->count && !g.bad; i++)
		add_action(&g, &p->actions[i], outputs, manual);
	if (!g.bad)
		text = cJSON_Print(root);
	if (!text && !g.bad)
		aws_error_set(err, AWS_ERR_NOMEM, "", "out of memory");
out:
	cJSON_Delete(g.folded);
	cJSON_Delete(g.no_default_egress);
	cJSON_Delete(root);
	return text;
}
