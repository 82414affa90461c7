/** Delete with confirmation; the toast says what happened, with the backend's message. */
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { ConfirmDialog } from "./ConfirmDialog";
import { useToast } from "./Toast";
import { api, describeError, unwrap } from "../lib/api";

export function DeleteDeployment(props: {
  name: string;
  namespace: string;
  open: boolean;
  onOpenChange: (open: boolean) => void;
  onDeleted?: () => void;
}) {
  const toast = useToast();
  const client = useQueryClient();
  const del = useMutation({
    mutationFn: () => unwrap(api.DELETE("/api/deployments/{name}", { params: { path: { name: props.name }, query: { namespace: props.namespace } } })),
    onSuccess: () => {
      toast({ title: "Deployment Deleted", description: `${props.name} is being deleted`, variant: "success" });
      props.onOpenChange(false);
      void client.invalidateQueries({ queryKey: ["deployments"] });
      props.onDeleted?.();
    },
    onError: (err) => {
      props.onOpenChange(false);
      toast({ title: "Delete Failed", description: describeError(err), variant: "destructive" });
    },
  });
  return (
    <ConfirmDialog
      open={props.open}
      onOpenChange={props.onOpenChange}
      title="Delete Deployment"
      description={
        <>
          Are you sure you want to delete <strong>{props.name}</strong>? This action cannot be undone.
        </>
      }
      confirmLabel="Delete"
      busy={del.isPending}
      onConfirm={() => del.mutate()}
    />
  );
}
