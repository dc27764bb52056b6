import { getNamedType, isInterfaceType, isObjectType, Kind } from "graphql";
import type { DocumentNode, FragmentDefinitionNode, GraphQLCompositeType, GraphQLSchema, OperationDefinitionNode, SelectionSetNode, ValueNode } from "graphql";

/** Connection requests and the resulting rate-limit cost of one GraphQL query. */
export interface GraphqlCost {
  /** Sum over connections of the requests needed to fulfil them. */
  requests: number;
  /** What GitHub charges: round(requests / 100), at least 1. */
  cost: number;
}

/**
 * GitHub's documented rate-limit score ("Calculating a rate limit score"): every
 * connection costs one request per parent node that may reach it, assuming each
 * connection returns its full `first`/`last`; a connection nested under a connection
 * of N requested nodes counts N. The sum is divided by 100 and rounded, minimum 1.
 * So `pullRequests(first: 100) { nodes { reviews(first: 100) } }` is 1 + 100 = 101 → 1,
 * and adding `labels(first: 10)` beside reviews makes it 201 → 2.
 */
export function graphqlCost(schema: GraphQLSchema, document: DocumentNode, operationName: string | undefined, variables: Record<string, unknown>): GraphqlCost {
  const fragments = new Map<string, FragmentDefinitionNode>();
  let operation: OperationDefinitionNode | undefined;
  for (const def of document.definitions) {
    if (def.kind === Kind.FRAGMENT_DEFINITION) fragments.set(def.name.value, def);
    if (def.kind === Kind.OPERATION_DEFINITION && (!operationName || def.name?.value === operationName)) operation ??= def;
  }
  if (!operation) return { requests: 0, cost: 1 };
  const root = operation.operation === "mutation" ? schema.getMutationType() : schema.getQueryType();
  if (!root) return { requests: 0, cost: 1 };

  let requests = 0;
  const walk = (selectionSet: SelectionSetNode, parent: GraphQLCompositeType, multiplier: number, seen: Set<string>): void => {
    for (const selection of selectionSet.selections) {
      if (selection.kind === Kind.INLINE_FRAGMENT) {
        const typeName = selection.typeCondition?.name.value;
        const type = typeName ? schema.getType(typeName) : parent;
        if (type && (isObjectType(type) || isInterfaceType(type))) walk(selection.selectionSet, type, multiplier, seen);
        continue;
      }
      if (selection.kind === Kind.FRAGMENT_SPREAD) {
        const fragment = fragments.get(selection.name.value);
        if (!fragment || seen.has(fragment.name.value)) continue;
        const type = schema.getType(fragment.typeCondition.name.value);
        if (type && (isObjectType(type) || isInterfaceType(type))) walk(fragment.selectionSet, type, multiplier, new Set([...seen, fragment.name.value]));
        continue;
      }
      if (!selection.selectionSet || !(isObjectType(parent) || isInterfaceType(parent))) continue;
      const field = parent.getFields()[selection.name.value];
      if (!field) continue;
      const named = getNamedType(field.type);
      let childMultiplier = multiplier;
      if (named.name.endsWith("Connection")) {
        requests += multiplier;
        const args = new Map(selection.arguments?.map((a) => [a.name.value, valueOf(a.value, variables)]) ?? []);
        const size = Number(args.get("first") ?? args.get("last") ?? 0);
        childMultiplier = multiplier * (Number.isFinite(size) && size > 0 ? size : 1);
      }
      if (isObjectType(named) || isInterfaceType(named)) walk(selection.selectionSet, named, childMultiplier, seen);
      else if (named.astNode?.kind === Kind.UNION_TYPE_DEFINITION) walk(selection.selectionSet, parent, childMultiplier, seen);
    }
  };
  walk(operation.selectionSet, root, 1, new Set());
  return { requests, cost: Math.max(1, Math.round(requests / 100)) };
}

function valueOf(node: ValueNode, variables: Record<string, unknown>): unknown {
  if (node.kind === Kind.VARIABLE) return variables[node.name.value];
  if (node.kind === Kind.INT || node.kind === Kind.FLOAT) return Number(node.value);
  return undefined;
}
