"""Staff endpoints for complaints (/api/v1/complaints/): the queue and one case, read only.
The same rules as the staff pages (complaints/access.py): internal affairs sees everything,
an assigned supervisor the case without who complained; everyone else, superusers and site
administrators included, gets 403. Reading a case is audited like opening its page."""

from rest_framework import permissions, viewsets
from rest_framework.exceptions import NotFound, PermissionDenied
from rest_framework.response import Response

from complaints import access, selectors, services
from complaints.models import Complaint
from complaints.serializers import ComplaintDetailSerializer, ComplaintListSerializer


class ComplaintsStaffPermission(permissions.BasePermission):
    def has_permission(self, request, view) -> bool:
        user = request.user
        return bool(user and user.is_staff) and (
            access.is_internal_affairs(user) or access.is_supervisor(user)
        )


class ComplaintViewSet(viewsets.ViewSet):
    permission_classes = [permissions.IsAuthenticated, ComplaintsStaffPermission]
    serializer_class = ComplaintListSerializer

    def list(self, request):
        cases = selectors.staff_queue(
            user=request.user,
            stage=request.query_params.get("stage", ""),
            kind=request.query_params.get("kind", ""),
        )[:500]
        return Response(ComplaintListSerializer(cases, many=True).data)

    def retrieve(self, request, pk=None):
        try:
            complaint = selectors.case_get(pk=int(pk))
        except (TypeError, ValueError):
            complaint = None
        if complaint is None:
            raise NotFound
        level = access.access_for(request.user, complaint)
        if level not in (access.Access.IDENTITY, access.Access.CASE):
            raise PermissionDenied
        services.complaint_open(actor=request.user, complaint=complaint)
        return Response(ComplaintDetailSerializer(complaint, context={"access": str(level)}).data)

    def get_queryset(self):  # for the schema
        return Complaint.objects.none()
