from django.urls import include, path
from rest_framework.authtoken.views import obtain_auth_token

from . import views
from . import status as status_views

urlpatterns = [
    path("auth/token/", obtain_auth_token, name="api-token"),
    path("subjects/", views.SubjectListCreate.as_view(), name="subject-list"),
    path("subjects/<str:identifier>/", views.SubjectDetail.as_view(), name="subject-detail"),
    path("units/", views.UnitList.as_view(), name="unit-list"),
    path("list-types/", views.ListTypeList.as_view(), name="list-type-list"),
    path("measures/", views.MeasureList.as_view(), name="measure-list"),
    path("letters/", include("letters.api")),
    path("status/batch/", status_views.StatusBatch.as_view(), name="status-batch"),
    path("status/<str:identifier>/", status_views.StatusCheck.as_view(), name="status-check"),
]
